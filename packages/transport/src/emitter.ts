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
   * The earliest listener still subscribed and its event, in two fields: thousands of small
   * objects each own an emitter, most with one listener or none, and two fields cost less than
   * an array (its object and its elements store).
   */
  #firstEvent: keyof E | undefined;
  #first: E[keyof E] | undefined;
  /**
   * The later listeners, `[event, listener, event, listener, ...]`. Never changed in place:
   * (un)subscribing makes a new array of exactly the size needed, so `emit` can walk the one it
   * read without copying it, whatever its listeners subscribe or unsubscribe meanwhile.
   */
  #rest: readonly unknown[] | undefined;
  /** Where listener errors go; without one they are rethrown in a microtask. */
  readonly #logger: Logger | undefined;

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  /** Subscribes `listener` to `event` (once, however often it is passed); returns a function that unsubscribes it. */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    if (this.#first === undefined) {
      this.#firstEvent = event;
      this.#first = listener;
    } else if (!this.#has(event, listener)) {
      // concat, not a spread: a spread array gets spare capacity, kept for as long as the list.
      this.#rest = this.#rest ? this.#rest.concat([event, listener]) : [event, listener];
    }
    return () => this.#off(event, listener);
  }

  /** Calls every listener of `event` with `args`, in subscription order. */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const first = this.#first;
    if (first === undefined) return;
    const firstEvent = this.#firstEvent;
    const rest = this.#rest;
    if (firstEvent === event) this.#call(event, first as E[K], args);
    if (!rest) return;
    for (let i = 0; i < rest.length; i += 2)
      if (rest[i] === event) this.#call(event, rest[i + 1] as E[K], args);
  }

  /** Number of listeners of `event`. */
  count(event: keyof E): number {
    if (this.#first === undefined) return 0;
    let n = this.#firstEvent === event ? 1 : 0;
    const rest = this.#rest;
    if (rest) for (let i = 0; i < rest.length; i += 2) if (rest[i] === event) n++;
    return n;
  }

  #call<K extends keyof E>(event: K, listener: E[K], args: Parameters<E[K]>): void {
    try {
      listener(...args);
    } catch (err) {
      if (this.#logger)
        this.#logger.error(`listener of "${String(event)}" threw: ${(err as Error)?.message ?? err}`);
      else
        queueMicrotask(() => {
          throw err; // surfaces as an uncaught error instead of vanishing
        });
    }
  }

  #has(event: unknown, listener: unknown): boolean {
    return (this.#firstEvent === event && this.#first === listener) || this.#restIndex(event, listener) >= 0;
  }

  #restIndex(event: unknown, listener: unknown): number {
    const rest = this.#rest;
    if (!rest) return -1;
    for (let i = 0; i < rest.length; i += 2) if (rest[i] === event && rest[i + 1] === listener) return i;
    return -1;
  }

  #off(event: unknown, listener: unknown): void {
    const rest = this.#rest;
    if (this.#first !== undefined && this.#firstEvent === event && this.#first === listener) {
      // The next one moves up to the fields.
      this.#firstEvent = rest?.[0] as keyof E | undefined;
      this.#first = rest?.[1] as E[keyof E] | undefined;
      this.#rest = rest && rest.length > 2 ? rest.slice(2) : undefined;
      return;
    }
    const at = this.#restIndex(event, listener);
    if (at < 0) return;
    this.#rest = rest!.length === 2 ? undefined : rest!.slice(0, at).concat(rest!.slice(at + 2));
  }
}
