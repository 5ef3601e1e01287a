import type { SipMessage } from '@sipkit/parser';
import { BaseTransport } from './base-transport.js';
import type { Clock, RandomSource, TimerHandle } from './clock.js';
import { TransportError } from './errors.js';
import { type Logger, redactUrls } from './logger.js';
import {
  exponentialBackoff,
  jssipBackoff,
  type LegacyBackoffOptions,
  type ReconnectPolicy,
  sipjs07Backoff,
} from './reconnect-policy.js';
import { ServerPool, type WeightedServer } from './server-pool.js';
import type { Endpoint, Transport, TransportEvents, TransportProtocol } from './transport.js';

/** Retries of the same server after an established connection to it dropped. */
export interface ServerRetries {
  /** How many times to retry the server before failing over; 0 fails over at once. */
  attempts: number;
  /** Wait before retries 2..attempts (ms); the first retry is immediate. */
  delayMs: number;
}

/** How the next server is reached after one failed. */
export type FailoverMode =
  /** Try the next available server at once; wait for the policy only when all have failed (SIP.js 0.7). */
  | 'immediate'
  /** Wait for the policy before every attempt, whichever server is next (JsSIP). */
  | 'backoff';

/** Options of {@link ReconnectingTransport}. */
export interface ReconnectingTransportOptions<S> {
  /** The servers, optionally weighted (highest first, random among equals). */
  servers: readonly (S | WeightedServer<S>)[];
  /**
   * Makes a transport for a server. Must not open anything: the transport is opened with
   * `connect()`. Called once per connection attempt.
   */
  create: (server: S) => Transport;
  /** Names a server in log lines. Default `String(server)`, right for URL strings. */
  describe?: (server: S) => string;
  /** Waits between attempts. Default {@link exponentialBackoff} with the injected random source. */
  policy?: ReconnectPolicy;
  /** Default `'immediate'`. */
  failover?: FailoverMode;
  /** Default `{ attempts: 1, delayMs: 0 }`: one immediate retry of a server that dropped. */
  serverRetries?: ServerRetries;
  /** Give up after this many consecutive failed attempts. Default: never. */
  maxAttempts?: number;
  /** Clock for the waits between attempts. Default {@link systemClock}. */
  clock?: Clock;
  /** Random source for picking among equal-weight servers and for the default policy's jitter. Default {@link cryptoRandom}. */
  random?: RandomSource;
  /** Diagnostics about attempts and failures. Default: silent. */
  logger?: Logger;
}

/** Events of a {@link ReconnectingTransport}: those of every transport, plus its schedule. */
export interface ReconnectingTransportEvents<S> extends TransportEvents {
  /** A connection attempt to `server` starts. */
  attempt: (server: S) => void;
  /** The next attempt waits `delayMs`. */
  waiting: (delayMs: number) => void;
}

type Phase = 'idle' | 'attempting' | 'waiting' | 'up' | 'closed';

/**
 * A {@link Transport} that keeps one connection to one of several servers: picks the server
 * by weight, fails over on errors, and reconnects with a {@link ReconnectPolicy} when the
 * connection drops. `connect()` resolves on the first success; until then it keeps trying
 * (up to `maxAttempts`), and `close()` stops it. Its `state` is `connecting` during an attempt,
 * `connected` while a connection is up, `disconnected` between attempts (and after giving up),
 * `closed` only after `close()`.
 *
 * The presets {@link jssipReconnect} and {@link sipjs07Reconnect} reproduce those libraries.
 */
export class ReconnectingTransport<S = string> extends BaseTransport<ReconnectingTransportEvents<S>> {
  readonly #pool: ServerPool<S>;
  readonly #create: (server: S) => Transport;
  readonly #describe: (server: S) => string;
  readonly #policy: ReconnectPolicy;
  readonly #failover: FailoverMode;
  readonly #retries: ServerRetries;
  /** Undefined: no limit (a stored Infinity would be a boxed number per transport). */
  readonly #maxAttempts: number | undefined;

  #phase: Phase = 'idle';
  #current: { server: S; transport: Transport } | undefined;
  #fresh: { server: S; transport: Transport } | undefined;
  #last: { server: S; transport: Transport } | undefined;
  #timer: TimerHandle | undefined;
  #retriesUsed = 0;
  #failures = 0;
  /** Connections that came up so far: see {@link ReconnectingTransport.connection}. */
  #connections = 0;
  #flowTimer: number | undefined;
  /** Seconds of {@link keepFlowAlive}, applied to each new connection. */
  #flowAlive: number | undefined;
  /** The pending {@link BaseTransport.open}, which every caller of connect() shares. */
  #waiting: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(options: ReconnectingTransportOptions<S>) {
    super(options);
    const random = this.random;
    this.#pool = new ServerPool(options.servers, random);
    if (this.#pool.size === 0) throw new TransportError('NO_SERVER', 'no server configured');
    this.#create = options.create;
    this.#describe = options.describe ?? String;
    this.#policy = options.policy ?? exponentialBackoff({ random });
    this.#failover = options.failover ?? 'immediate';
    this.#retries = options.serverRetries ?? { attempts: 1, delayMs: 0 };
    const max = options.maxAttempts;
    this.#maxAttempts = max === undefined || max === Number.POSITIVE_INFINITY ? undefined : max;
    // The first transport exists from the start so protocol, reliable and secure are known.
    const first = this.#pool.pick()!;
    this.#fresh = { server: first, transport: this.#create(first) };
  }

  /** The current connection, else the next one made, else the last one. */
  get #latest(): { server: S; transport: Transport } {
    return (this.#current ?? this.#fresh ?? this.#last)!;
  }
  get protocol(): TransportProtocol {
    return this.#latest.transport.protocol;
  }
  get reliable(): boolean {
    return this.#latest.transport.reliable;
  }
  get secure(): boolean {
    return this.#latest.transport.secure;
  }
  get local(): Endpoint {
    return this.#latest.transport.local;
  }
  /** The server of the current (or last) connection. */
  get server(): S {
    return this.#latest.server;
  }
  /**
   * Counts the connections that came up. Note it when sending: {@link ReconnectingTransport.serverFailed}
   * then knows whether a failure happened on the connection still in use.
   */
  get connection(): number {
    return this.#connections;
  }

  /**
   * The server of connection `connection` failed a request: a transaction timed out or the
   * transport reported an error (RFC 3263 section 4.3). For datagram transports, whose
   * connection never drops on its own. While that connection is still the current one and there
   * is another server, marks this one failed and moves at once to the next by weight (a bind needs
   * no back-off); a state change to `disconnected` and back tells the users. Failures of requests
   * sent on an earlier connection change nothing, so a burst of timeouts moves the transport once.
   * Returns whether it moved.
   */
  serverFailed(connection: number, reason: string): boolean {
    const cur = this.#current;
    if (this.#phase !== 'up' || !cur || connection !== this.#connections || this.#pool.size < 2) return false;
    this.logger.info(redactUrls(`${this.#describe(cur.server)} failed a request (${reason}): failing over`));
    this.#discard();
    this.setState('disconnected', new TransportError('SERVER_FAILED', reason));
    this.#retriesUsed = 0;
    this.#pool.markFailed(cur.server);
    // Every server failed: start again from the top, but not with the one that just failed.
    if (!this.#pool.hasAvailable) {
      this.#pool.reset();
      this.#pool.markFailed(cur.server);
    }
    this.#attempt(this.#pool.pick()!);
    return true;
  }

  /**
   * Waits for a connection: starts attempting when idle, otherwise joins the attempts under way
   * (after a drop, the reconnection). `connect()` resolves at once while connected.
   */
  protected open(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
    if (this.#phase === 'idle') {
      this.#failures = 0;
      this.#attempt(this.#fresh?.server ?? this.#pool.pick()!);
    }
    return done;
  }

  send(data: SipMessage | Uint8Array, target?: Endpoint): Promise<void> {
    if (this.#phase !== 'up' || !this.#current) {
      return Promise.reject(new TransportError('NOT_CONNECTED', `transport is ${this.state}`));
    }
    return this.#current.transport.send(data, target);
  }

  /** Adopts the registrar's `Flow-Timer` (seconds) for the current connection and every later one. */
  setFlowTimer(seconds: number): void {
    this.#flowTimer = seconds;
    this.#current?.transport.setFlowTimer?.(seconds);
  }

  /** Keeps the current connection's flow alive every `seconds` (nominal), and every later one's. */
  keepFlowAlive(seconds: number): void {
    this.#flowAlive = seconds;
    this.#current?.transport.keepFlowAlive?.(seconds);
  }

  async close(): Promise<void> {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#cancelTimer();
    const cur = this.#current;
    this.#current = undefined;
    this.#settle(new TransportError('CLOSED', 'transport closed'));
    this.setState('closed');
    await cur?.transport.close();
    // A connection that dropped earlier may still be closing its socket: wait for that too.
    await this.#last?.transport.close().catch(() => {});
  }

  // --- the schedule: every transition goes through attempt / up / failed / dropped ---

  #attempt(server: S): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'attempting';
    const transport =
      this.#fresh && this.#fresh.server === server ? this.#fresh.transport : this.#create(server);
    this.#fresh = undefined;
    // Each forwarder checks that its transport is still the current one rather than being
    // unsubscribed: a discarded transport is dropped whole, and keeping four unsubscribe functions
    // per connection adds up with one connection per user agent.
    transport.on('message', (m, src) => {
      if (this.#current?.transport === transport) this.events.emit('message', m, src);
    });
    transport.on('parseError', (e, src) => {
      if (this.#current?.transport === transport) this.events.emit('parseError', e, src);
    });
    transport.on('flowFailed', (reason) => {
      if (this.#current?.transport === transport) this.events.emit('flowFailed', reason);
    });
    transport.on('state', (s, err) => {
      if (s === 'disconnected' && this.#current?.transport === transport && this.#phase === 'up') {
        this.#dropped(err);
      }
    });
    this.#current = { server, transport };
    this.setState('connecting');
    this.events.emit('attempt', server);
    this.logger.debug(redactUrls(`connecting to ${this.#describe(server)}`));
    transport.connect().then(
      () => {
        if (this.#current?.transport !== transport || this.#phase !== 'attempting') return;
        this.#up(server);
      },
      (err: Error) => {
        if (this.#current?.transport !== transport || this.#phase !== 'attempting') return;
        this.#failed(server, err);
      },
    );
  }

  #up(server: S): void {
    this.#phase = 'up';
    this.#connections++;
    this.#failures = 0;
    this.#policy.reset();
    this.#pool.markOk(server);
    // Keep-alives first, then the latest Flow-Timer: it may have come after they started.
    if (this.#flowAlive !== undefined) this.#current?.transport.keepFlowAlive?.(this.#flowAlive);
    if (this.#flowTimer !== undefined) this.#current?.transport.setFlowTimer?.(this.#flowTimer);
    this.setState('connected');
    this.#settle();
  }

  /** An established connection went away: retry the same server first, if configured. */
  #dropped(error?: Error): void {
    const server = this.#current!.server;
    this.#discard();
    this.setState('disconnected', error);
    // No reconnects at all (SIP.js 0.21 `reconnectionAttempts: 0`): stay down until connect().
    if (this.#maxAttempts === 0) {
      this.#phase = 'idle';
      return;
    }
    if (this.#retries.attempts > 0) {
      this.#retriesUsed = 1;
      this.#schedule(0, server);
    } else {
      this.#retriesUsed = 0;
      this.#failOver(server);
    }
  }

  /** A connection attempt failed. */
  #failed(server: S, error: Error): void {
    this.#discard();
    this.logger.info(redactUrls(`cannot connect to ${this.#describe(server)}: ${error.message}`));
    this.#failures++;
    this.setState('disconnected', error);
    if (this.#maxAttempts !== undefined && this.#failures >= this.#maxAttempts) {
      this.#phase = 'idle';
      this.#settle(
        new TransportError('NO_SERVER', `gave up after ${this.#failures} attempts`, { cause: error }),
      );
      return;
    }
    if (this.#retriesUsed > 0 && this.#retriesUsed < this.#retries.attempts) {
      this.#retriesUsed++;
      this.#schedule(this.#retries.delayMs, server);
      return;
    }
    this.#retriesUsed = 0;
    this.#failOver(server);
  }

  #failOver(server: S): void {
    this.#pool.markFailed(server);
    if (this.#failover === 'immediate' && this.#pool.hasAvailable) {
      this.#attempt(this.#pool.pick()!);
      return;
    }
    if (this.#failover === 'immediate') this.#pool.reset();
    this.#schedule(this.#policy.nextDelay());
  }

  /** Waits, then attempts `server` (or whatever the pool picks then). */
  #schedule(delayMs: number, server?: S): void {
    if (delayMs <= 0) {
      this.#attempt(server ?? this.#pool.pick()!);
      return;
    }
    this.#phase = 'waiting';
    this.events.emit('waiting', delayMs);
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#attempt(server ?? this.#pool.pick()!);
    }, delayMs);
  }

  #discard(): void {
    const cur = this.#current;
    if (!cur) return;
    this.#current = undefined;
    // Kept only so protocol, local and server still answer until the next transport exists.
    this.#last = cur;
    cur.transport.close().catch(() => {});
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Silent: the transports it holds log their own state changes. */
  protected override logState(): void {}

  #settle(error?: Error): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) error ? waiting.reject(error) : waiting.resolve();
  }
}

/** Options of {@link sipjs07Reconnect}, named as SIP.js 0.7 names them (seconds). */
export interface Sipjs07ReconnectOptions extends LegacyBackoffOptions {
  /** `wsServerMaxReconnection`: retries of a server that dropped. Default 3. */
  maxReconnection?: number;
  /** `wsServerReconnectionTimeout` (s): wait before retries 2..N. Default 4. */
  reconnectionTimeout?: number;
}

/** Reconnection settings that behave as JsSIP 3.x (section 3.6 of the registration reference). */
export function jssipReconnect(
  options: LegacyBackoffOptions = {},
): Pick<ReconnectingTransportOptions<unknown>, 'policy' | 'failover' | 'serverRetries'> {
  return { policy: jssipBackoff(options), failover: 'backoff', serverRetries: { attempts: 0, delayMs: 0 } };
}

/** Reconnection settings that behave as SIP.js 0.7 (section 5.4 of the registration reference). */
export function sipjs07Reconnect(
  options: Sipjs07ReconnectOptions = {},
): Pick<ReconnectingTransportOptions<unknown>, 'policy' | 'failover' | 'serverRetries'> {
  return {
    policy: sipjs07Backoff(options),
    failover: 'immediate',
    serverRetries: {
      attempts: options.maxReconnection ?? 3,
      delayMs: (options.reconnectionTimeout ?? 4) * 1000,
    },
  };
}
