/** Opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Time as every sipkit state machine sees it. Injected so tests run timers on a
 * {@link VirtualClock} instead of waiting.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now; the handle cancels it. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The longest delay browsers and Node honour; a longer one fires at once instead. */
const MAX_DELAY_MS = 0x7fffffff;

/** A timer longer than {@link MAX_DELAY_MS}, waited for in steps; `native` is the step now armed. */
class LongTimer {
  native: unknown;
}

function armNative(fn: () => void, ms: number): unknown {
  const t = globalThis.setTimeout(fn, ms) as unknown as { unref?: () => void };
  t.unref?.();
  return t;
}

/**
 * The real clock. Timers are unref'd in Node so a forgotten one never keeps the process alive.
 * Delays over 2^31-1 ms (about 24.8 days, e.g. a registration granted for 30 days) are waited
 * for in steps, since the platform timers would fire them at once.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    if (!(ms > MAX_DELAY_MS)) return armNative(fn, ms);
    const timer = new LongTimer();
    const end = performance.now() + ms;
    const step = () => {
      const left = end - performance.now();
      if (left > 0) timer.native = armNative(step, Math.min(left, MAX_DELAY_MS));
      else fn();
    };
    timer.native = armNative(step, MAX_DELAY_MS);
    return timer;
  },
  clearTimeout: (h) =>
    globalThis.clearTimeout(
      (h instanceof LongTimer ? h.native : h) as ReturnType<typeof globalThis.setTimeout>,
    ),
};

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when told to; timers fire in time order, ties in creation order. */
export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, Pending>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** Schedules `fn` at now + `ms` (negative counts as 0); it fires only inside {@link VirtualClock.advance} or {@link VirtualClock.next}. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), seq: id, fn });
    return id;
  }

  /** Cancels a pending timer; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Number of timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let next: Pending | undefined;
      for (const t of this.timers.values()) {
        if (t.at <= until && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.timers.delete(next.seq);
      this.time = next.at;
      next.fn();
    }
    this.time = until;
  }

  /** Advances to the next timer and fires it (and any due at the same instant); returns false when none. */
  next(): boolean {
    let at = Number.POSITIVE_INFINITY;
    for (const t of this.timers.values()) at = Math.min(at, t.at);
    if (at === Number.POSITIVE_INFINITY) return false;
    this.advance(at - this.time);
    return true;
  }
}

/** A source of random bytes, injected so tests are repeatable. */
export type RandomSource = (length: number) => Uint8Array;

/** Cryptographic random bytes from Web Crypto (browsers and Node 20). */
export const cryptoRandom: RandomSource = (length) => crypto.getRandomValues(new Uint8Array(length));

/**
 * A repeatable {@link RandomSource} from a 32-bit seed (mulberry32, bytes taken big-endian from
 * each 32-bit output, carried over between calls): the same seed gives the same tags, Call-IDs,
 * jitter and retry delays, for tests and reproducible simulations such as a load generator's
 * run. Predictable by design, so never for cnonces or anything a peer must not guess.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  let word = 0;
  let left = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      if (left === 0) {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        word = (t ^ (t >>> 14)) >>> 0;
        left = 4;
      }
      left--;
      out[i] = (word >>> (8 * left)) & 0xff;
    }
    return out;
  };
}
