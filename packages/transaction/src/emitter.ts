/** A listener map: event name to listener signature. */
export type EventMap<E> = { [K in keyof E]: (...args: never[]) => void };

/**
 * Minimal typed event emitter. A listener that throws does not stop the others, so one faulty
 * subscriber cannot wedge a state machine halfway through a transition.
 */
export class Emitter<E extends EventMap<E>> {
  private readonly listeners = new Map<keyof E, Set<E[keyof E]>>();

  /** Subscribes; returns a function that unsubscribes. */
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

  /** Calls every listener of `event` with `args`. */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as unknown as (...a: Parameters<E[K]>) => void)(...args);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
