import type { ConnectionConfig, LocalTransportConfig, ServerConfig } from '@sipkit/config';
import type { SipRequest, SipResponse } from '@sipkit/parser';
import type { LocalInfo, RegisterSender } from '@sipkit/registerer';
import {
  generateTag,
  isLocalResponse,
  type ServerTransaction,
  TransactionLayer,
  type TransactionUser,
} from '@sipkit/transaction';
import {
  type Clock,
  cryptoRandom,
  type Emitter,
  type Endpoint,
  exponentialBackoff,
  jssipBackoff,
  type Logger,
  type RandomSource,
  ReconnectingTransport,
  type ReconnectingTransportOptions,
  redactCredentials,
  type ServerRetries,
  silentLogger,
  sipjs07Backoff,
  systemClock,
  type TraceDirection,
  type Transport,
  type TransportState,
} from '@sipkit/transport';
import { UserAgentError } from './errors.js';
import { answerRequest, SUPPORTED } from './request-handler.js';
import { serverEndpoint, type TransportFactory, webSocketTransportFactory } from './transport-factory.js';
import type { SipTrace } from './user-agent.js';

/**
 * Random bytes from `source` drawn 4 KiB at a time: a registration takes a dozen small draws
 * (branches, tags, Call-ID, cnonce), and each Web Crypto call costs far more than the bytes.
 * One pool serves every stack of the process, so a user agent with a stack of its own does not
 * carry a 4 KiB buffer.
 */
function pooledRandom(source: RandomSource, size = 4096): RandomSource {
  let pool: Uint8Array = new Uint8Array(0);
  let at = 0;
  return (length) => {
    if (length > size) return source(length);
    if (at + length > pool.length) {
      pool = source(size);
      at = 0;
    }
    const out = pool.slice(at, at + length);
    at += length;
    return out;
  };
}

const sharedCryptoRandom = pooledRandom(cryptoRandom);

/** Lifecycle of a {@link SipStack}; `stopped` is final. */
export type SipStackState = 'idle' | 'starting' | 'started' | 'stopping' | 'stopped';

/** Events of a {@link SipStack}. */
export interface SipStackEvents {
  /** The stack's lifecycle state changed. */
  state: (state: SipStackState) => void;
  /** The shared transport's connection state changed. */
  transport: (state: TransportState) => void;
}

/** Options of a {@link SipStack}; everything but `servers` has a default. */
export interface SipStackOptions {
  /** The servers the one shared transport connects to, by weight with failover. */
  servers: readonly ServerConfig[];
  /**
   * Reconnection, keep-alive and connect timeout, as in `UserAgentConfig.connection`. Default:
   * exponential back-off, no keep-alive, the transports' own timeouts.
   */
  connection?: Partial<ConnectionConfig>;
  /** A pjsip.conf transport section (`UserAgentConfig.localTransport`), for the transport factory. */
  localTransport?: LocalTransportConfig;
  /** Builds the transport; default WebSocket only (browser-safe). Node: `nodeTransportFactory`. */
  transportFactory?: TransportFactory;
  /** Clock of the transport, the transactions and every attached user agent. Default the system clock. */
  clock?: Clock;
  /** Random source for branches, tags, Call-IDs and back-off. Default Web Crypto. */
  random?: RandomSource;
  /** Diagnostics; default silent. */
  logger?: Logger;
  /** SIP trace of the shared transport, credentials redacted. */
  trace?: SipTrace;
  /** `Server` header of the responses the stack sends itself. */
  userAgent?: string;
  /**
   * The Via (and Contact host) the WebSocket stacks write, applied while the current server is
   * ws/wss. Over UDP, TCP and TLS the Via is always the transport's own, with `rport`, so that
   * responses find their way back. Default: `rport`, the transport's token and host.
   */
  via?: StackViaOptions;
  /**
   * {@link SipStack} only: how many attached user agents `stop()` stops at once (each sends its
   * un-REGISTER). Default 100. Ten thousand at once overflow a UDP socket's buffers, and an
   * un-REGISTER that does not get through within its `gracefulShutdown` leaves its binding on
   * the registrar.
   */
  stopConcurrency?: number;
  /**
   * {@link SipStack} only: how many attached user agents may be registering at once because
   * they started, or because the shared transport reconnected (or failed over) or its flow
   * failed; the others begin in turn, in order. Default 200; `Infinity` for no bound. Without
   * one, ten thousand user agents started at once, or after a reconnect, send ten thousand
   * REGISTERs in one burst: over UDP the socket buffers overflow and Timer A's retransmissions
   * back off. Refreshes, retries, un-REGISTERs and explicit `register()` calls never wait.
   */
  startConcurrency?: number;
}

/** How a stack writes its Via on WebSocket servers (from `UserAgentConfig.via` and `contact`). */
export interface StackViaOptions {
  /** Add an empty `rport`; default true (JsSIP and SIP.js write none unless `forceRport`). */
  rport?: boolean;
  /** Transport token instead of WS/WSS (SIP.js `hackViaTcp`); a server's `viaTransport` wins. */
  transport?: string;
  /** Sent-by host, also the Contact's (SIP.js `viaHost`, `hackIpInContact`, JsSIP `contact_uri`). */
  host?: string;
}

/**
 * What a {@link SipStack} needs from an attached user agent. {@link UserAgent} implements it.
 * @internal
 */
export interface StackMember {
  /** Contact user part, once known: requests whose Request-URI carries it are this member's. */
  readonly contactUser: string | undefined;
  /** Asterisk `line` value of our Contact, if any. */
  readonly line: string | undefined;
  /** The member's address-of-record as `user@host` (host in lower case); undefined without a user. */
  readonly aorKey: string | undefined;
  /** Its registerer, once made: the key of its turns to register again (see `SipStack.admit`). */
  readonly registerer: object | undefined;
  /** The shared transport changed state. */
  onTransportState(state: TransportState): void;
  /** The shared transport's RFC 5626 flow failed. */
  onFlowFailed(): void;
  /** A request addressed to this member. */
  handleRequest(tx: ServerTransaction, request: SipRequest): void;
  /** Stops the member (the stack is stopping). */
  stop(): Promise<void>;
}

/**
 * How registerers send through a stack. A class, because V8 keeps an object literal with a
 * getter as a dictionary: a few hundred bytes more for each user agent with a stack of its own;
 * and methods on the stack rather than closures, which would cost a user agent with a stack of
 * its own two functions and their scope.
 */
class StackSender implements RegisterSender {
  constructor(private readonly stack: StackBase) {}
  /** Sends a request in a client transaction; resolves with its final response. */
  send(request: SipRequest): Promise<SipResponse> {
    return this.stack.sendRequest(request);
  }
  /** Where the stack's transport is bound now. */
  get local(): LocalInfo {
    return this.stack.localInfo();
  }
  /** Begins a registration in its turn (see {@link StackBase.admit}). */
  admit(key: object, begin: () => Promise<unknown>): void {
    this.stack.admit(key, begin);
  }
}

/**
 * What every stack has, and all that a user agent with a stack of its own uses: one
 * reconnecting transport, one transaction layer, and an owner that gets every request.
 * {@link SipStack} adds what sharing needs (attaching user agents, routing requests to them by
 * Contact user, matching configs, one `TimerQueue` for all their timers), so a bundle with only
 * lone user agents does not carry it. A lone user agent's timers run on the injected clock: its
 * registerer keeps one timer of its own, so a queue would not make it fewer (and a bundle with
 * only lone user agents does not carry `TimerQueue`).
 * @internal
 */
export class StackBase implements TransactionUser {
  /** The servers of the shared transport; a user agent's config must name the same ones. */
  readonly servers: readonly ServerConfig[];
  /**
   * The clock every attached user agent and the transaction layer run on (for a {@link SipStack},
   * a `TimerQueue`: all their timers share one timer of the injected clock).
   */
  readonly clock: Clock;
  /** The random source every attached user agent draws from. */
  readonly random: RandomSource;
  /** The logger of the stack (user agents may have their own). */
  readonly logger: Logger;
  /**
   * How registerers send through this stack: one object shared by every attached user agent.
   * @internal
   */
  readonly sender: RegisterSender;
  /**
   * A user agent that owns this stack (one created by a `UserAgent` without `stack`): it gets
   * every request, as a lone user agent always did.
   * @internal
   */
  owner: StackMember | undefined;

  /** The options the stack was made with. */
  protected readonly options: SipStackOptions;
  /** The injected clock, which the transport uses directly. */
  readonly #baseClock: Clock;
  /** The lifecycle state (see {@link StackBase.state}). */
  protected current: SipStackState = 'idle';
  /** The shared transport, once started. */
  protected transport: ReconnectingTransport<ServerConfig> | undefined;
  #layer: TransactionLayer | undefined;
  #stopping: Promise<void> | undefined;
  /** Created on the first subscription (most user agents of a large population have none). */
  protected events: Emitter<SipStackEvents> | undefined;

  /** `clock` is the clock of the transactions and user agents, default the injected one. */
  constructor(options: SipStackOptions, clock?: (base: Clock) => Clock) {
    if (options.servers.length === 0) throw new UserAgentError('NO_SERVER', 'the stack names no server');
    this.options = options;
    this.servers = options.servers;
    this.#baseClock = options.clock ?? systemClock;
    this.clock = clock ? clock(this.#baseClock) : this.#baseClock;
    this.random = options.random ?? sharedCryptoRandom;
    this.logger = options.logger ?? silentLogger;
    this.sender = new StackSender(this);
  }

  /** The lifecycle state. */
  get state(): SipStackState {
    return this.current;
  }

  /**
   * Opens the shared transport (connecting to the first reachable server) and the transaction
   * layer. Resolves once connected; rejects (and the stack is `stopped`) when the transport
   * cannot be built or gives up.
   */
  async start(): Promise<void> {
    if (this.current !== 'idle')
      throw new UserAgentError('NOT_STARTED', `cannot start a stack in state ${this.current}`);
    this.#setState('starting');
    try {
      const transport = this.#createTransport();
      this.transport = transport;
      // No INVITE transactions (`invite`): until a session layer brings them, an INVITE is
      // answered 405 statelessly and the bundle does not carry them.
      this.#layer = new TransactionLayer({
        transport,
        clock: this.clock,
        random: this.random,
        supported: SUPPORTED,
        user: this,
      });
      transport.on('state', (state) => this.onTransportState(state));
      transport.on('flowFailed', () => {
        for (const m of this.members()) m.onFlowFailed();
      });
      await transport.connect();
    } catch (e) {
      await this.close();
      throw e;
    }
    if ((this.current as SipStackState) === 'starting') this.#setState('started');
  }

  /**
   * Stops every user agent still attached (each unregisters as its profile does on stop), then
   * closes the transaction layer and the transport. Resolves once the socket is closed.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  /**
   * Transaction user entry point: the owner takes every request; without one, the stack answers
   * as a user agent does ({@link SipStack} first routes it to its members).
   * @internal
   */
  onRequest(tx: ServerTransaction, request: SipRequest): void {
    if (this.owner) this.owner.handleRequest(tx, request);
    else answerRequest(tx, request, this.options.userAgent, generateTag(this.random));
  }

  /**
   * Begins a registration of `key` (a user agent, or its registerer) in its turn: a lone stack
   * has one user agent, so at once; {@link SipStack} paces them.
   * @internal
   */
  admit(_key: object, begin: () => Promise<unknown>): void {
    void begin();
  }

  /** Stops every attached member; a lone stack's one member is its owner. */
  protected async stopMembers(): Promise<void> {
    await this.owner?.stop();
  }

  /** Every attached member (the owner first), as a list that later changes do not affect. */
  protected members(): StackMember[] {
    return this.owner ? [this.owner] : [];
  }

  /**
   * Sends `request` in a client transaction to the current server; resolves with its final
   * response. Never throws: a request the layer refuses (an ACK, say) rejects. Over UDP, a
   * timeout or transport error on the current connection fails over to the next server first.
   * @internal
   */
  async sendRequest(request: SipRequest): Promise<SipResponse> {
    const layer = this.#layer;
    const transport = this.transport;
    if (!layer || !transport || this.current === 'stopped')
      throw new UserAgentError('STOPPED', 'the stack is not running');
    const server = transport.server;
    if (server.transport === 'udp') {
      const connection = transport.connection;
      return layer.request(request, { target: serverEndpoint(server) }).final.then((res) => {
        // RFC 3263 section 4.3: a timeout (408) or a transport error (503) of our own, not the
        // server's answer, moves the transport to the next server before the caller retries.
        if (isLocalResponse(res)) transport.serverFailed(connection, `${res.status} to ${request.method}`);
        return res;
      });
    }
    if (server.transport !== 'ws' && server.transport !== 'wss')
      return layer.request(request, { target: serverEndpoint(server) }).final;
    const via = this.options.via;
    return layer.request(request, {
      via: { rport: via?.rport, transport: server.viaTransport ?? via?.transport, host: via?.host },
    }).final;
  }

  /**
   * Sends keep-alives on the flow every `seconds` (the registrar's RFC 5626 `Flow-Timer`), on
   * this connection and the ones after a reconnect. No effect while keep-alives are off.
   * @internal
   */
  setFlowTimer(seconds: number): void {
    this.transport?.setFlowTimer(seconds);
  }

  /**
   * Keeps the flow alive (RFC 5626 section 4.4.1) every `seconds`: starts keep-alives when they
   * are off, on this connection and the ones after a reconnect. Without `seconds` (no
   * Flow-Timer) the nominal interval is 120 s on a stream (pings at 96-120 s) and 29 s over UDP,
   * where NAT bindings are short-lived (23-29 s).
   * @internal
   */
  keepFlowAlive(seconds?: number): void {
    const t = this.transport;
    t?.keepFlowAlive(seconds ?? (t.reliable ? 120 : 29));
  }

  /**
   * Where the transport is bound now.
   * @internal
   */
  localInfo(): LocalInfo {
    const t = this.transport;
    if (!t) return { host: 'invalid.invalid', port: 0, transport: 'udp' };
    const ws = t.server.transport === 'ws' || t.server.transport === 'wss';
    const host = (ws && this.options.via?.host) || t.local.host;
    return { host, port: t.local.port, transport: t.protocol };
  }

  /** The transport changed state: tells the subscribers and every member. */
  protected onTransportState(state: TransportState): void {
    this.events?.emit('transport', state);
    for (const m of this.members()) m.onTransportState(state);
  }

  async #shutdown(): Promise<void> {
    if (this.current === 'idle') {
      this.#setState('stopped');
      return;
    }
    if (this.current === 'stopped') return;
    this.#setState('stopping');
    await this.stopMembers();
    await this.close();
  }

  /** Closes the layer and the transport; the one way into `stopped`. */
  protected async close(): Promise<void> {
    // Forgotten first: closing settles what is in flight (a 503 each), and a registerer that
    // sends again on that finds the stack stopped rather than a closed layer.
    const layer = this.#layer;
    this.#layer = undefined;
    layer?.close();
    await this.transport?.close();
    this.#setState('stopped');
  }

  #setState(state: SipStackState): void {
    if (state === this.current) return;
    this.current = state;
    this.events?.emit('state', state);
  }

  #createTransport(): ReconnectingTransport<ServerConfig> {
    return new ReconnectingTransport<ServerConfig>({
      servers: this.servers.map((server) => ({ server, weight: server.weight })),
      // A bound method rather than a closure over the factory and its context: a user agent with
      // a stack of its own keeps this function for life.
      create: this.#newTransport.bind(this),
      describe: describeServer,
      clock: this.#baseClock,
      random: this.random,
      logger: this.logger,
      ...reconnectOptions(this.options.connection?.reconnect, this.random),
    });
  }

  /** A transport to `server` from the factory: the reconnecting transport asks on each attempt. */
  #newTransport(server: ServerConfig): Transport {
    const { trace, connection, localTransport } = this.options;
    const factory = this.options.transportFactory ?? webSocketTransportFactory;
    return factory(server, {
      clock: this.#baseClock,
      random: this.random,
      logger: this.logger,
      keepAliveInterval: 0,
      // keepAliveInterval, keepAlivePongTimeout, keepAliveJitter and connectionTimeout (the reconnect policy rides along).
      ...connection,
      localTransport,
      onTrace: trace
        ? (direction: TraceDirection, data: Uint8Array | string, peer: Endpoint) =>
            trace(direction, redactCredentials(data), peer)
        : undefined,
    });
  }
}

const none: ServerRetries = { attempts: 0, delayMs: 0 };

/** A config's reconnect behaviour as transport options. */
function reconnectOptions(
  r: ConnectionConfig['reconnect'] | undefined,
  random: RandomSource,
): Pick<ReconnectingTransportOptions<ServerConfig>, 'policy' | 'failover' | 'serverRetries' | 'maxAttempts'> {
  switch (r?.kind) {
    case 'clamped-backoff':
      return {
        policy: jssipBackoff({ minInterval: r.minInterval, maxInterval: r.maxInterval, random }),
        failover: 'backoff',
        serverRetries: none,
      };
    case 'legacy-recovery':
      return {
        policy: sipjs07Backoff({ minInterval: r.minInterval, maxInterval: r.maxInterval, random }),
        failover: 'immediate',
        serverRetries: { attempts: r.serverAttempts, delayMs: r.serverDelay * 1000 },
      };
    case 'fixed':
      return {
        policy: { nextDelay: () => r.delay * 1000, reset() {} },
        failover: 'immediate',
        serverRetries: { attempts: 1, delayMs: 0 },
        maxAttempts: r.attempts,
      };
    default:
      return { policy: exponentialBackoff({ random }) };
  }
}

/** A server as log lines name it: its WebSocket URL, else its SIP URI. */
function describeServer(server: ServerConfig): string {
  return server.url ?? String(server.uri);
}
