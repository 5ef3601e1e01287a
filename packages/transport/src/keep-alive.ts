import { type Clock, cryptoRandom, type RandomSource, systemClock, type TimerHandle } from './clock.js';
import { PONG_TIMEOUT_MS } from './constants.js';
import { randomUnit } from './random.js';

export { PONG_TIMEOUT_MS };

/**
 * When the next keep-alive goes out: a random 80-100 % of the nominal interval (RFC 5626 section
 * 4.4.1), so that many clients started together do not ping in step.
 */
export function keepAliveDelay(intervalMs: number, random: RandomSource): number {
  return Math.round(intervalMs * (0.8 + 0.2 * randomUnit(random)));
}

/** Options of {@link KeepAlive}. */
export interface KeepAliveOptions {
  /**
   * Nominal interval between pings (ms) when the registrar sent no Flow-Timer. Each ping is sent
   * after a random 80–100 % of it (RFC 5626 section 4.4.1). Default 120000, which gives the
   * 96–120 s the RFC recommends for connection-oriented transports.
   */
  intervalMs?: number;
  /**
   * How long to wait for the pong (ms). Default {@link PONG_TIMEOUT_MS}. 0 sends pings without
   * waiting for pongs, as SIP.js and Asterisk do: a peer that never answers pings is not a failure.
   */
  pongTimeoutMs?: number;
  /**
   * false pings at exactly `intervalMs` (or the Flow-Timer) every time, as Asterisk's
   * `keep_alive_interval` does. Default true: each wait is a random 80–100 % of it.
   */
  jitter?: boolean;
  /** Clock for the ping interval and the pong timeout. Default {@link systemClock}. */
  clock?: Clock;
  /** Random source for the 80–100 % interval jitter. Default {@link cryptoRandom}. */
  random?: RandomSource;
}

/** What a {@link KeepAlive} drives: the flow it pings. */
export interface KeepAliveTarget {
  /** Writes CRLF CRLF on the flow. */
  sendPing(): void;
  /** Called once when a pong did not come in time; the keep-alive stops itself first. */
  onFailure(reason: string): void;
}

/**
 * RFC 5626 CRLF keep-alives on one stream flow (TCP, TLS, WS, WSS): pings on an interval,
 * expects a pong (a lone CRLF) within 10 s, and reports a flow failure when none comes (unless
 * `pongTimeoutMs` is 0).
 * Answering the peer's pings is the transport's job, not this class's.
 */
export class KeepAlive {
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #pongTimeoutMs: number;
  readonly #jitter: boolean;
  #intervalMs: number;
  #timer: TimerHandle | undefined;
  #waitingForPong = false;
  #running = false;
  readonly #target: KeepAliveTarget;

  constructor(target: KeepAliveTarget, options: KeepAliveOptions = {}) {
    this.#target = target;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
    this.#pongTimeoutMs = options.pongTimeoutMs ?? PONG_TIMEOUT_MS;
    this.#jitter = options.jitter ?? true;
    this.#intervalMs = options.intervalMs ?? 120_000;
    if (!(this.#intervalMs > 0)) throw new RangeError('intervalMs must be > 0');
  }

  /** True between {@link KeepAlive.start} and {@link KeepAlive.stop} (or a failure). */
  get active(): boolean {
    return this.#running;
  }

  /** The nominal interval in use (ms). */
  get interval(): number {
    return this.#intervalMs;
  }

  /** Starts pinging. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedulePing();
  }

  /** Stops pinging and forgets a pending pong. */
  stop(): void {
    this.#running = false;
    this.#waitingForPong = false;
    this.#cancel();
  }

  /**
   * Uses the registrar's `Flow-Timer` (seconds, RFC 5626 section 4.4.1) as the interval from
   * now on. A ping already waiting for its pong is left alone, and so is the wait under way when
   * the interval is the same: every refresh 2xx repeats the Flow-Timer, and restarting the wait
   * each time would never ping when refreshes come more often than pings.
   */
  setFlowTimer(seconds: number): void {
    if (!(seconds > 0)) throw new RangeError('Flow-Timer must be > 0');
    if (seconds * 1000 === this.#intervalMs) return;
    this.#intervalMs = seconds * 1000;
    if (this.#running && !this.#waitingForPong) {
      this.#cancel();
      this.#schedulePing();
    }
  }

  /** Tells the keep-alive that a pong arrived. */
  pongReceived(): void {
    if (!this.#waitingForPong) return;
    this.#waitingForPong = false;
    this.#cancel();
    if (this.#running) this.#schedulePing();
  }

  #schedulePing(): void {
    const ms = this.#jitter ? keepAliveDelay(this.#intervalMs, this.#random) : this.#intervalMs;
    this.#timer = this.#clock.setTimeout(() => this.#ping(), ms);
  }

  #ping(): void {
    this.#timer = undefined;
    if (!this.#running) return;
    if (this.#pongTimeoutMs > 0) {
      this.#waitingForPong = true;
      this.#timer = this.#clock.setTimeout(() => this.#fail(), this.#pongTimeoutMs);
    } else this.#schedulePing();
    this.#target.sendPing();
  }

  #fail(): void {
    this.#timer = undefined;
    if (!this.#waitingForPong) return;
    this.stop();
    this.#target.onFailure(`no keep-alive pong within ${this.#pongTimeoutMs} ms`);
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
