import { endpointKey } from './base-transport.js';
import { type Clock, cryptoRandom, type RandomSource, systemClock, type TimerHandle } from './clock.js';
import { keepAliveDelay } from './keep-alive.js';
import { STUN_BINDING_SUCCESS, type StunMessage, stunBindingRequest, stunTransactionId } from './stun.js';

/** RFC 5389 section 7.2.1: initial retransmission timeout (ms). */
const RTO_MS = 500;
/** Rc: requests sent in all. */
const REQUESTS = 7;
/** Rm: the wait after the last request, in initial RTOs. */
const LAST_WAIT = 16;

/** Options of {@link StunKeepAlive}. */
export interface StunKeepAliveOptions {
  /** Nominal interval (seconds); each request goes out after a random 80-100 % of it. */
  seconds: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
  /** Transaction ids and jitter. Default {@link cryptoRandom}. */
  random?: RandomSource;
}

/** What a {@link StunKeepAlive} drives: the datagram flow it probes. */
export interface StunKeepAliveTarget {
  /** Sends a Binding request on the flow; a failed send counts as a lost request. */
  send(bytes: Uint8Array): void;
  /** Called once when the flow failed; the keep-alive has stopped itself first. */
  onFailure(reason: string): void;
}

type State =
  | { kind: 'idle' }
  | { kind: 'waiting'; timer: TimerHandle }
  | { kind: 'probing'; id: Uint8Array; sent: number; timer: TimerHandle }
  | { kind: 'stopped' };

/**
 * RFC 5626 section 4.4.2 keep-alives on a UDP flow: a STUN Binding request every 80-100 % of the
 * interval, retransmitted as RFC 5389 section 7.2.1 says (500 ms doubling, 7 requests, then
 * 8 s). The flow has failed when no response comes, or when the mapped address differs from the
 * previous response's (the NAT binding changed).
 */
export class StunKeepAlive {
  readonly #target: StunKeepAliveTarget;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  #intervalMs: number;
  #state: State = { kind: 'idle' };
  /** `host:port` the previous response reported. */
  #mapped: string | undefined;

  constructor(target: StunKeepAliveTarget, options: StunKeepAliveOptions) {
    if (!(options.seconds > 0)) throw new RangeError('keep-alive seconds must be > 0');
    this.#target = target;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
    this.#intervalMs = options.seconds * 1000;
  }

  /** True from {@link StunKeepAlive.start} until stopped or failed. */
  get active(): boolean {
    return this.#state.kind === 'waiting' || this.#state.kind === 'probing';
  }

  /** Schedules the first request; only from the idle state. */
  start(): void {
    if (this.#state.kind !== 'idle') return;
    this.#wait();
  }

  /** Stops for good and cancels any timer. */
  stop(): void {
    const s = this.#state;
    if (s.kind === 'waiting' || s.kind === 'probing') this.#clock.clearTimeout(s.timer);
    this.#state = { kind: 'stopped' };
  }

  /** The nominal interval in use (ms). */
  get interval(): number {
    return this.#intervalMs;
  }

  /**
   * Uses the registrar's `Flow-Timer` (seconds) as the interval from now on, as
   * `KeepAlive.setFlowTimer` does on a stream: a wait under way starts again with it; a
   * request awaiting its response is left alone (the wait after it uses the new interval). The
   * interval in use changes nothing. Throws `RangeError` unless `seconds` > 0.
   */
  setFlowTimer(seconds: number): void {
    if (!(seconds > 0)) throw new RangeError('Flow-Timer must be > 0');
    const ms = seconds * 1000;
    if (ms === this.#intervalMs) return;
    this.#intervalMs = ms;
    const s = this.#state;
    if (s.kind === 'waiting') {
      this.#clock.clearTimeout(s.timer);
      this.#wait();
    }
  }

  /**
   * A Binding success response arrived on the flow. True when it answered the request awaiting
   * one and found the flow alive; false when it was for another transaction (ignored), or it
   * carries comprehension-required attributes we do not know or its mapped address changed (the
   * flow has failed: RFC 5389 section 7.3.3 counts the former as a failed transaction).
   */
  responseReceived(msg: StunMessage): boolean {
    const s = this.#state;
    if (s.kind !== 'probing' || msg.type !== STUN_BINDING_SUCCESS || !sameId(s.id, msg.transactionId))
      return false;
    this.#clock.clearTimeout(s.timer);
    if (msg.unknown) {
      this.#fail('STUN Binding response with unknown comprehension-required attributes');
      return false;
    }
    if (msg.mapped) {
      const mapped = endpointKey(msg.mapped);
      const before = this.#mapped;
      this.#mapped = mapped;
      if (before !== undefined && before !== mapped) {
        this.#fail(`STUN mapped address changed from ${before} to ${mapped}`);
        return false;
      }
    }
    this.#wait();
    return true;
  }

  #wait(): void {
    const ms = keepAliveDelay(this.#intervalMs, this.#random);
    this.#state = { kind: 'waiting', timer: this.#clock.setTimeout(() => this.#probe(), ms) };
  }

  #probe(): void {
    if (this.#state.kind !== 'waiting') return;
    const id = stunTransactionId(this.#random);
    this.#state = { kind: 'probing', id, sent: 0, timer: undefined };
    this.#sendNext();
  }

  /** Sends request number `sent + 1` and arms the timer for the next (or for giving up). */
  #sendNext(): void {
    const s = this.#state;
    if (s.kind !== 'probing') return;
    s.sent++;
    const last = s.sent === REQUESTS;
    const ms = last ? LAST_WAIT * RTO_MS : RTO_MS * 2 ** (s.sent - 1);
    s.timer = this.#clock.setTimeout(
      () => (last ? this.#fail(`no STUN Binding response after ${REQUESTS} requests`) : this.#sendNext()),
      ms,
    );
    this.#target.send(stunBindingRequest(s.id));
  }

  #fail(reason: string): void {
    this.stop();
    this.#target.onFailure(reason);
  }
}

function sameId(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
