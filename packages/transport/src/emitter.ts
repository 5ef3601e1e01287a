import type { Logger } from './logger.js';

/** Any map from event names to listener signatures. */
// biome-ignore lint/suspicious/noExplicitAny: listener argument types come from the event map
export type EventMap<E> = { [K in keyof E]: (...args: any[]) => void };

/**
 * A typed event emitter: `on` returns the function that unsubscribes. A listener that throws
 * does not stop the others, so one bad subscriber cannot break the state machine that emits
 * halfway through a transition; the error goes to the logger, or without one is rethrown in a
 * microtask.
 */
export class Emitter<E extends EventMap<E>> {
  private readonly listeners = new Map<keyof E, Set<E[keyof E]>>();

  constructor(private readonly logger?: Logger) {}

  /** Subscribes `listener` to `event`; returns a function that unsubscribes it. */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Calls every listener of `event` with `args`, in subscription order. */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (err) {
        if (this.logger)
          this.logger.error(`listener of "${String(event)}" threw: ${(err as Error)?.message ?? err}`);
        else
          queueMicrotask(() => {
            throw err; // surfaces as an uncaught error instead of vanishing
          });
      }
    }
  }

  /** Number of listeners of `event`. */
  count(event: keyof E): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
