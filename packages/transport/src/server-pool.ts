import { cryptoRandom, type RandomSource } from './clock.js';
import { randomBelow } from './random.js';

/** One server of a {@link ServerPool} with its weight (higher is preferred). */
export interface WeightedServer<S> {
  /** The server, as passed to `create` (e.g. a URL); compared with `===`. */
  server: S;
  /** Default 0. */
  weight?: number;
}

/**
 * Several servers with weights: {@link ServerPool.pick} returns the highest weight among those
 * not marked failed, choosing at random among equals (as JsSIP and SIP.js 0.7 do). When every
 * server has failed, all are made available again, so a pool never runs dry.
 */
export class ServerPool<S> {
  readonly #entries: { server: S; weight: number; failed: boolean }[];
  readonly #random: RandomSource;

  constructor(servers: readonly (WeightedServer<S> | S)[], random: RandomSource = cryptoRandom) {
    this.#random = random;
    this.#entries = servers.map((s) =>
      isWeighted<S>(s)
        ? { server: s.server, weight: s.weight ?? 0, failed: false }
        : { server: s, weight: 0, failed: false },
    );
  }

  /** Number of servers. */
  get size(): number {
    return this.#entries.length;
  }

  /** True when at least one server is not marked failed. */
  get hasAvailable(): boolean {
    return this.#entries.some((e) => !e.failed);
  }

  /** The next server to try, or undefined for an empty pool. Resets the marks when all failed. */
  pick(): S | undefined {
    if (this.#entries.length === 0) return undefined;
    if (!this.hasAvailable) this.reset();
    let best = Number.NEGATIVE_INFINITY;
    for (const e of this.#entries) if (!e.failed && e.weight > best) best = e.weight;
    const ties = this.#entries.filter((e) => !e.failed && e.weight === best);
    return ties.length === 1 ? ties[0]!.server : ties[randomBelow(this.#random, ties.length)]!.server;
  }

  /** Marks `server` failed: {@link ServerPool.pick} skips it until a reset. */
  markFailed(server: S): void {
    for (const e of this.#entries) if (e.server === server) e.failed = true;
  }

  /** Marks `server` as working again. */
  markOk(server: S): void {
    for (const e of this.#entries) if (e.server === server) e.failed = false;
  }

  /** Makes every server available again. */
  reset(): void {
    for (const e of this.#entries) e.failed = false;
  }
}

function isWeighted<S>(s: WeightedServer<S> | S): s is WeightedServer<S> {
  return typeof s === 'object' && s !== null && 'server' in s;
}
