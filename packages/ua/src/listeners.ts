import type { Logger } from '@sipkit/transport';

/**
 * Listeners of many small objects, kept as one flat `[event, fn, event, fn, ...]` array that
 * exists only while someone listens: a user agent nobody listens to carries no emitter, map or
 * set (thousands of idle user agents share one process).
 */
export type ListenerList = unknown[];

/** An object keeping its listeners in a (private) `listeners` field. */
interface Holder {
  listeners: ListenerList | undefined;
}

/** Adds `fn` for `event` to the list in `owner.listeners`; returns the unsubscribe function. */
export function addListener(owner: object, event: string, fn: unknown): () => void {
  const holder = owner as Holder;
  const list = holder.listeners ?? [];
  holder.listeners = list;
  list.push(event, fn);
  return (): void => {
    const current = holder.listeners;
    if (!current) return;
    for (let i = 0; i < current.length; i += 2) {
      if (current[i] === event && current[i + 1] === fn) {
        current.splice(i, 2);
        break;
      }
    }
    if (current.length === 0) holder.listeners = undefined;
  };
}

/**
 * Calls every listener of `event` in subscription order. A listener that throws does not stop
 * the others; the error goes to the logger.
 */
export function emitTo(list: ListenerList | undefined, event: string, arg: unknown, logger: Logger): void {
  if (!list) return;
  const snapshot = list.slice();
  for (let i = 0; i < snapshot.length; i += 2) {
    if (snapshot[i] !== event) continue;
    try {
      (snapshot[i + 1] as (a: unknown) => void)(arg);
    } catch (e) {
      logger.error(`listener of "${event}" threw: ${(e as Error)?.message ?? e}`);
    }
  }
}
