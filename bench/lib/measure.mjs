/**
 * The timing harness shared by every benchmark file: warm each case up, work out how many passes
 * fill a round, then time rounds with the cases interleaved (so a slow drift of the machine, such
 * as thermal throttling or another process, spreads over all cases instead of hitting one), and
 * report the median round.
 */

/** Whatever `run` returns is folded in here so the optimiser cannot drop the work. */
let sink = 0;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times each case. A case is `{ id, run, items, bytes }`: `run()` does one pass over the workload
 * (`items` messages, `bytes` bytes) and returns a number. Returns, per case id, the median
 * items/s and bytes/s over `rounds` timed rounds, plus every round's items/s.
 */
export function measure(cases, { warmupMs = 400, roundMs = 250, rounds = 9 } = {}) {
  const passes = new Map();
  for (const c of cases) {
    const start = performance.now();
    let n = 0;
    let elapsed = 0;
    do {
      sink ^= c.run() | 0;
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < warmupMs);
    passes.set(c.id, Math.max(1, Math.round((roundMs * n) / elapsed)));
  }
  const samples = new Map(cases.map((c) => [c.id, []]));
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so no case always runs first or right after a given other.
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length];
      const n = passes.get(c.id);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) sink ^= c.run() | 0;
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      samples.get(c.id).push((n * c.items) / seconds);
    }
  }
  const out = new Map();
  for (const c of cases) {
    const perRound = samples.get(c.id);
    const itemsPerSec = median(perRound);
    out.set(c.id, {
      itemsPerSec,
      bytesPerSec: (itemsPerSec * c.bytes) / c.items,
      rounds: perRound,
      passesPerRound: passes.get(c.id),
    });
  }
  return out;
}

/** The accumulated sink, printed at the end so the work stays observable. */
export function sinkValue() {
  return sink;
}
