import { cryptoRandom, type RandomSource } from './clock.js';
import { randomUnit } from './random.js';

/**
 * Decides how long to wait before the next reconnection attempt. Stateful: each call of
 * {@link ReconnectPolicy.nextDelay} is one more failed attempt; {@link ReconnectPolicy.reset}
 * is called when a connection succeeds (or the user disconnects).
 */
export interface ReconnectPolicy {
  /** Milliseconds to wait before the next attempt. */
  nextDelay(): number;
  /** Forgets past failures. */
  reset(): void;
}

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** Shortest wait, and the first one before jitter (ms). Default 1000. */
  minMs?: number;
  /** Longest wait (ms). Default 60000. */
  maxMs?: number;
  /**
   * Fraction of the wait that is random: the wait is uniform in `[d·(1−jitter), d]`, never
   * below `minMs`. 0 disables jitter. Default 0.5, so many clients that lost the same server
   * do not come back at the same instant.
   */
  jitter?: number;
  /** Random source for the jitter. Default {@link cryptoRandom}. */
  random?: RandomSource;
}

/**
 * The default policy: the n-th wait is `min(maxMs, minMs·2^(n−1))` with jitter, so 1 s, 2 s,
 * 4 s, … up to a minute.
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): ReconnectPolicy {
  const min = options.minMs ?? 1000;
  const max = options.maxMs ?? 60_000;
  const jitter = options.jitter ?? 0.5;
  checkInterval(min, max);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError('jitter must be within [0, 1]');
  return new ExponentialBackoff(min, max, options.random ?? cryptoRandom, jitter);
}

/**
 * What every policy here keeps: its bounds, its random source and the failed attempts counted
 * since the last reset. Classes rather than closures over a scope: every transport has a policy
 * (every user agent with a stack of its own), and fields cost less.
 */
abstract class Backoff implements ReconnectPolicy {
  protected attempts = 0;

  constructor(
    protected readonly min: number,
    protected readonly max: number,
    protected readonly random: RandomSource,
  ) {}

  /** The next wait (ms): one more failed attempt. */
  abstract nextDelay(): number;

  /** Forgets past failures. */
  reset(): void {
    this.attempts = 0;
  }
}

/** {@link exponentialBackoff}'s policy. */
class ExponentialBackoff extends Backoff {
  constructor(
    min: number,
    max: number,
    random: RandomSource,
    private readonly jitter: number,
  ) {
    super(min, max, random);
  }

  nextDelay(): number {
    const ceiling = Math.min(this.max, this.min * 2 ** Math.min(this.attempts++, 52));
    const wait = ceiling * (1 - this.jitter * randomUnit(this.random));
    return Math.max(this.min, Math.round(wait));
  }
}

/** Options of {@link jssipBackoff} and {@link sipjs07Backoff}, in seconds as those libraries take them. */
export interface LegacyBackoffOptions {
  /** `connection_recovery_min_interval` (s). Default 2. */
  minInterval?: number;
  /** `connection_recovery_max_interval` (s). Default 30. */
  maxInterval?: number;
  /** Stands in for `Math.random()`. Default {@link cryptoRandom}. */
  random?: RandomSource;
}

/**
 * JsSIP 3.x's recovery formula: on the n-th attempt, `k = floor(random·2^n + 1)` seconds,
 * clamped to `[minInterval, maxInterval]`. Attempt 1 always waits `minInterval` (with the
 * defaults: 2 s); attempt 2 one of {2, 2, 3, 4} s. Unlimited attempts.
 */
export function jssipBackoff(options: LegacyBackoffOptions = {}): ReconnectPolicy {
  const min = options.minInterval ?? 2;
  const max = options.maxInterval ?? 30;
  checkInterval(min, max);
  return new JssipBackoff(min, max, options.random ?? cryptoRandom);
}

/** {@link jssipBackoff}'s policy. */
class JssipBackoff extends Backoff {
  nextDelay(): number {
    const k = Math.floor(randomUnit(this.random) * 2 ** ++this.attempts + 1);
    return Math.min(this.max, Math.max(this.min, k)) * 1000;
  }
}

/**
 * SIP.js 0.7's recovery formula: with `count` starting at 0, `k = floor(random·2^count + 1)`
 * and the wait is `k·minInterval` seconds; a wait above `maxInterval` becomes `minInterval`
 * and restarts the count. After each wait `count` is the number of attempts since the last
 * restart. Multiplies and wraps where JsSIP clamps.
 */
export function sipjs07Backoff(options: LegacyBackoffOptions = {}): ReconnectPolicy {
  const min = options.minInterval ?? 2;
  const max = options.maxInterval ?? 30;
  checkInterval(min, max);
  return new Sipjs07Backoff(min, max, options.random ?? cryptoRandom);
}

/** {@link sipjs07Backoff}'s policy: past `max`, it starts again from `min`. */
class Sipjs07Backoff extends Backoff {
  nextDelay(): number {
    let wait = Math.floor(randomUnit(this.random) * 2 ** this.attempts + 1) * this.min;
    if (wait > this.max) {
      wait = this.min;
      this.attempts = 0;
    }
    this.attempts++;
    return wait * 1000;
  }
}

function checkInterval(min: number, max: number): void {
  if (!(min > 0)) throw new RangeError('the minimum interval must be > 0');
  if (!(max >= min)) throw new RangeError('the maximum interval must be >= the minimum');
}
