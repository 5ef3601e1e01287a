import type { Clock, TimerHandle } from '@sipkit/transport';

/** One waiting timer; its place in the heap is kept so cancelling is O(log n). */
interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  /** Index in the heap; -1 once fired or cancelled. */
  index: number;
}

/**
 * A {@link Clock} that runs any number of timers on one timer of another clock: a binary heap
 * ordered by due time (ties in creation order, as every sipkit clock fires them). A
 * {@link SipStack} gives it to its transaction layer and to every attached registerer, so ten
 * thousand idle user agents cost ten thousand small heap entries instead of as many runtime
 * timers (each of which, in Node, also gets a timer list of its own when its delay is unique).
 */
export class TimerQueue implements Clock {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private handle: TimerHandle | undefined;
  /** Due time the base timer is armed for. */
  private armedAt: number | undefined;

  constructor(private readonly base: Clock) {}

  /** Time of the underlying clock. */
  now(): number {
    return this.base.now();
  }

  /** Schedules `fn` after `ms`; the handle is for {@link clearTimeout}. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    // Whole milliseconds (rounded up, never early): an integer `at` is stored unboxed.
    const entry: Entry = { at: Math.ceil(this.base.now() + Math.max(0, ms)), seq: ++this.seq, fn, index: -1 };
    this.push(entry);
    if (entry.index === 0) this.arm();
    return entry;
  }

  /** Cancels a timer that has not fired; anything else is ignored. */
  clearTimeout(handle: TimerHandle): void {
    const entry = handle as Entry | undefined;
    if (!entry || typeof entry !== 'object' || entry.index < 0 || this.heap[entry.index] !== entry) return;
    const wasFirst = entry.index === 0;
    this.removeAt(entry.index);
    if (wasFirst) this.arm();
  }

  /** Number of timers waiting. */
  get pending(): number {
    return this.heap.length;
  }

  /** Keeps the base timer armed for the earliest entry (or none). */
  private arm(): void {
    const first = this.heap[0];
    if (first && first.at === this.armedAt && this.handle !== undefined) return;
    if (this.handle !== undefined) this.base.clearTimeout(this.handle);
    this.handle = undefined;
    this.armedAt = undefined;
    if (!first) return;
    this.armedAt = first.at;
    this.handle = this.base.setTimeout(() => this.fire(), Math.max(0, first.at - this.base.now()));
  }

  /** The base timer fired: runs every entry due by the time it was armed for, in order. */
  private fire(): void {
    const due = this.armedAt ?? this.base.now();
    this.handle = undefined;
    this.armedAt = undefined;
    for (;;) {
      const first = this.heap[0];
      if (!first || first.at > Math.max(due, this.base.now())) break;
      this.removeAt(0);
      try {
        first.fn();
      } catch (e) {
        // Same as a throwing callback of the base clock, without losing the other timers.
        this.arm();
        throw e;
      }
    }
    this.arm();
  }

  private push(entry: Entry): void {
    entry.index = this.heap.length;
    this.heap.push(entry);
    this.up(entry.index);
  }

  private removeAt(i: number): void {
    const heap = this.heap;
    const entry = heap[i]!;
    const last = heap.pop()!;
    entry.index = -1;
    if (last === entry) return;
    heap[i] = last;
    last.index = i;
    this.down(i);
    this.up(last.index);
  }

  private before(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const heap = this.heap;
    const entry = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.before(entry, p)) break;
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = entry;
    entry.index = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const entry = heap[i]!;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(heap[right]!, heap[left]!) ? right : left;
      const c = heap[child]!;
      if (!this.before(c, entry)) break;
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = entry;
    entry.index = i;
  }
}
