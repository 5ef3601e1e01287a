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
  /**
   * `[event, listener, event, listener, ...]`, created on the first subscription: thousands of
   * small objects each own an emitter, and most are never listened to. Never changed in place:
   * (un)subscribing makes a new array of exactly the size needed, so `emit` can walk the one it
   * read without copying it, whatever its listeners subscribe or unsubscribe meanwhile.
   */
  private list: readonly unknown[] | undefined;

  constructor(private readonly logger?: Logger) {}

  /** Subscribes `listener` to `event` (once, however often it is passed); returns a function that unsubscribes it. */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    const list = this.list;
    if (!list) this.list = [event, listener];
    else if (this.indexOf(event, listener) < 0) this.list = [...list, event, listener];
    return () => {
      const at = this.indexOf(event, listener);
      if (at < 0) return;
      const old = this.list!;
      this.list = old.length === 2 ? undefined : old.filter((_, i) => i !== at && i !== at + 1);
    };
  }

  /** Calls every listener of `event` with `args`, in subscription order. */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const list = this.list;
    if (!list) return;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] !== event) continue;
      try {
        (list[i + 1] as E[K])(...args);
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
    let n = 0;
    const list = this.list;
    if (!list) return 0;
    for (let i = 0; i < list.length; i += 2) if (list[i] === event) n++;
    return n;
  }

  private indexOf(event: unknown, listener: unknown): number {
    const list = this.list;
    if (!list) return -1;
    for (let i = 0; i < list.length; i += 2) if (list[i] === event && list[i + 1] === listener) return i;
    return -1;
  }
}
