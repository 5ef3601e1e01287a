import { type ParseLimits, parseMessage, type SipMessage } from '@sipkit/parser';
import { type Clock, cryptoRandom, type RandomSource, systemClock } from './clock.js';
import { Emitter, type EventMap } from './emitter.js';
import { TransportError } from './errors.js';
import { type Logger, silentLogger, type TraceDirection, type TraceHook } from './logger.js';
import type { Endpoint, Transport, TransportEvents, TransportProtocol, TransportState } from './transport.js';

/** Options every transport takes. */
export interface TransportOptions {
  /** Clock for connect timeouts, idle timers and keep-alives. Default {@link systemClock}. */
  clock?: Clock;
  /** Random source for jitter and invented host names. Default {@link cryptoRandom}. */
  random?: RandomSource;
  /** Diagnostics. Default: silent. */
  logger?: Logger;
  /** Sees every message sent and received, as wire bytes. */
  onTrace?: TraceHook;
  /** Parser limits for incoming messages. */
  limits?: Partial<ParseLimits>;
}

/**
 * What the transports share: options, the event emitter, and state changes made in one place.
 * Subclasses implement the sockets.
 */
export abstract class BaseTransport<E extends EventMap<E> & TransportEvents = TransportEvents>
  implements Transport
{
  abstract readonly protocol: TransportProtocol;
  abstract readonly reliable: boolean;
  abstract readonly secure: boolean;
  abstract readonly local: Endpoint;

  /** Runs every timer of this transport: `options.clock`, default {@link systemClock}. */
  protected readonly clock: Clock;
  /** Jitter and invented host names: `options.random`, default {@link cryptoRandom}. */
  protected readonly random: RandomSource;
  /** Diagnostics: `options.logger`, default {@link silentLogger}. */
  protected readonly logger: Logger;
  /** Parser limits for incoming messages; undefined means the parser's defaults. */
  protected readonly limits: Partial<ParseLimits> | undefined;
  /** Emits this transport's events; listener errors go to {@link BaseTransport.logger}. */
  protected readonly events: Emitter<E>;
  readonly #traceHook: TraceHook | undefined;
  #current: TransportState = 'disconnected';
  /** The {@link BaseTransport.open} in progress, which concurrent `connect()` calls share. */
  #opening: Promise<void> | undefined;

  constructor(options: TransportOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? cryptoRandom;
    this.logger = options.logger ?? silentLogger;
    this.limits = options.limits;
    this.#traceHook = options.onTrace;
    this.events = new Emitter<E>(this.logger);
  }

  /** Where the transport is in its lifecycle; every change is also emitted as the `state` event. */
  get state(): TransportState {
    return this.#current;
  }

  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    return this.events.on(event, listener);
  }

  /**
   * Opens the transport (binds, listens or connects): at once when connected, rejected with
   * `CLOSED` once closed, and one attempt for concurrent calls.
   */
  connect(): Promise<void> {
    if (this.#current === 'closed') return Promise.reject(new TransportError('CLOSED', 'transport closed'));
    if (this.#current === 'connected') return Promise.resolve();
    this.#opening ??= this.open().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  /** The work of {@link BaseTransport.connect}; never runs twice at once. */
  protected abstract open(): Promise<void>;
  abstract send(data: Parameters<Transport['send']>[0], target?: Endpoint): Promise<void>;
  abstract close(): Promise<void>;

  /** The only place the state changes; `closed` is final. */
  protected setState(next: TransportState, error?: Error): void {
    if (this.#current === next || this.#current === 'closed') return;
    this.#current = next;
    this.logState(next, error);
    (this.events as unknown as Emitter<TransportEvents>).emit('state', next, error);
  }

  /** Logs a state change (debug). */
  protected logState(next: TransportState, error?: Error): void {
    this.logger.debug(`${this.protocol} transport ${next}${error ? `: ${error.message}` : ''}`);
  }

  /** Emits one of the shared transport events. */
  protected emitShared<K extends keyof TransportEvents>(
    event: K,
    ...args: Parameters<TransportEvents[K]>
  ): void {
    (this.events as unknown as Emitter<TransportEvents>).emit(event, ...args);
  }

  /**
   * Parses one whole message (a datagram or a WebSocket frame: Content-Length may be absent)
   * and emits it as `message`, or emits `parseError` when it does not parse.
   */
  protected deliver(bytes: Uint8Array, source: Endpoint): void {
    let msg: SipMessage;
    try {
      msg = parseMessage(bytes, { framing: 'datagram', limits: this.limits });
    } catch (err) {
      this.emitShared('parseError', err as Error, source);
      return;
    }
    this.emitShared('message', msg, source);
  }

  /** Hands wire bytes to the `onTrace` hook, if any; a hook that throws is logged, not rethrown. */
  protected trace(direction: TraceDirection, data: Uint8Array | string, peer: Endpoint): void {
    if (!this.#traceHook) return;
    try {
      this.#traceHook(direction, data, peer);
    } catch (err) {
      this.logger.warn(`trace hook threw: ${(err as Error)?.message ?? err}`);
    }
  }
}

/** `host:port`, with IPv6 hosts in brackets: a key for connection maps and log lines. */
export function endpointKey(e: Endpoint): string {
  const host = e.host.includes(':') && !e.host.startsWith('[') ? `[${e.host}]` : e.host;
  return `${host.toLowerCase()}:${e.port}`;
}
