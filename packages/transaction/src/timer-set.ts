import type { Clock, TimerHandle } from '@sipkit/transport';

/**
 * Named one-shot timers of one state machine on an injected clock. Starting a name that is
 * running restarts it, so a state machine never holds two copies of the same RFC timer.
 */
export class TimerSet<N extends string> {
  readonly #running = new Map<N, TimerHandle>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Starts (or restarts) `name` to call `fire` after `ms`. */
  start(name: N, ms: number, fire: () => void): void {
    this.stop(name);
    const handle = this.#clock.setTimeout(() => {
      this.#running.delete(name);
      fire();
    }, ms);
    this.#running.set(name, handle);
  }

  /** Stops `name` if it is running. */
  stop(name: N): void {
    const h = this.#running.get(name);
    if (h === undefined) return;
    this.#clock.clearTimeout(h);
    this.#running.delete(name);
  }

  /** Stops everything (on termination). */
  clear(): void {
    for (const h of this.#running.values()) this.#clock.clearTimeout(h);
    this.#running.clear();
  }
}
