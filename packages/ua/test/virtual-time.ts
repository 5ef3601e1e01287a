import type { VirtualClock } from '@sipkit/transport';

/** Lets pending promise callbacks and I/O callbacks run. */
export const flush = (): Promise<void> => new Promise<void>((r) => setImmediate(r));

/** Advances virtual time in small steps, letting promises settle between them. */
export async function run(clock: VirtualClock, ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await flush();
  }
}

/** A repeatable random source (a small LCG over bytes): the same seed gives the same tags. */
export const seeded = (seed = 7) => {
  let s = seed;
  return (n: number) => Uint8Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) & 0xff));
};

/** Stops a user agent while virtual time moves, so its un-REGISTER gets answered. */
export async function stopWhileRunning(ua: { stop(): Promise<void> }, clock: VirtualClock): Promise<void> {
  const done = ua.stop();
  await run(clock, 300);
  await done;
}
