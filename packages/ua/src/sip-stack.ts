import type { ConnectionConfig, ServerConfig } from '@sipkit/config';
import { createResponse, type SipRequest, type SipResponse } from '@sipkit/parser';
import type { LocalInfo, RegisterSender } from '@sipkit/registerer';
import {
  generateTag,
  type ServerTransaction,
  TransactionLayer,
  type TransactionUser,
} from '@sipkit/transaction';
import {
  type Clock,
  cryptoRandom,
  Emitter,
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
  type TransportState,
} from '@sipkit/transport';
import { UserAgentError } from './errors.js';
import { answerRequest, SUPPORTED } from './request-handler.js';
import { TimerQueue } from './timer-queue.js';
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
   * Reconnection and keep-alive, as in `UserAgentConfig.connection`. Default: exponential
   * back-off, no keep-alive.
   */
  connection?: Partial<Pick<ConnectionConfig, 'reconnect' | 'keepAliveInterval'>>;
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
  /** True when the Request-URI names this member's address-of-record. */
  ownsAor(user: string, host: string): boolean;
  /** The shared transport changed state. */
  onTransportState(state: TransportState): void;
  /** The shared transport's RFC 5626 flow failed. */
  onFlowFailed(): void;
  /** A request addressed to this member. */
  handleRequest(tx: ServerTransaction, request: SipRequest): void;
  /** Stops the member (the stack is stopping). */
  stop(): Promise<void>;
}

/** Identity of a server for matching a config against a stack. */
function serverKey(s: ServerConfig): string {
  return `${s.transport} ${s.url ?? ''} ${s.uri.toString()}`;
}

/**
 * One transport and one transaction layer shared by many user agents in one process: what load
 * generators, SIP bots and monitors want (one socket for thousands of registrations). Responses
 * reach the right user agent through the transaction layer (by branch); requests from the network
 * go to the user agent whose Contact user (or Asterisk `line`, or address-of-record) the
 * Request-URI names. The stack answers the rest itself: 404 for an unknown user, and for the
 * stack's own address (no user part) 200 to OPTIONS and 405 to other methods (RFC 3261 sections
 * 8.2.2.1, 11.2, 8.2.1). Transport reconnects and RFC 5626 flow failures reach every attached user
 * agent, so each registerer re-registers as a lone user agent would.
 *
 * ```ts
 * const stack = new SipStack({ servers, transportFactory: nodeTransportFactory });
 * await stack.start();
 * const ua = new UserAgent(config, { stack });
 * await ua.start(); // registers over the shared transport
 * await stack.stop(); // stops (unregisters) the user agents still attached, then closes
 * ```
 */
export class SipStack implements TransactionUser {
  /** The servers of the shared transport; a user agent's config must name the same ones. */
  readonly servers: readonly ServerConfig[];
  /**
   * The clock every attached user agent and the transaction layer run on: all their timers share
   * one timer of the injected clock (see {@link TimerQueue}).
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

  private readonly options: SipStackOptions;
  /** The injected clock, which the transport uses directly. */
  private readonly baseClock: Clock;
  /** Made on the first shared user agent: a user agent's own stack never needs it. */
  private serverKeys: ReadonlySet<string> | undefined;
  private current: SipStackState = 'idle';
  private transport: ReconnectingTransport<ServerConfig> | undefined;
  private layer: TransactionLayer | undefined;
  /**
   * Attached user agents by Contact user (an array when several share one, as Asterisk's `s`
   * does): the one index serves request routing and the fan-out of transport changes.
   */
  private readonly byContactUser = new Map<string, StackMember | StackMember[]>();
  private memberCount = 0;
  private connectedWaiter: { promise: Promise<void>; resolve(): void; reject(e: Error): void } | undefined;
  private stopping: Promise<void> | undefined;
  /** Created on the first subscription (most user agents of a large population have none). */
  private events: Emitter<SipStackEvents> | undefined;

  constructor(options: SipStackOptions) {
    if (options.servers.length === 0) throw new UserAgentError('NO_SERVER', 'the stack names no server');
    this.options = options;
    this.servers = options.servers;
    this.baseClock = options.clock ?? systemClock;
    this.clock = new TimerQueue(this.baseClock);
    this.random = options.random ?? sharedCryptoRandom;
    this.logger = options.logger ?? silentLogger;
    const stack = this;
    this.sender = {
      send: (request) => stack.send(request),
      get local(): LocalInfo {
        return stack.localInfo();
      },
    };
  }

  /** The lifecycle state. */
  get state(): SipStackState {
    return this.current;
  }

  /** The shared transport's connection state (`disconnected` before `start()`). */
  get transportState(): TransportState {
    return this.transport?.state ?? 'disconnected';
  }

  /** How many user agents are attached now. */
  get userAgentCount(): number {
    return this.memberCount + (this.owner ? 1 : 0);
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof SipStackEvents & string>(event: E, listener: SipStackEvents[E]): () => void {
    this.events ??= new Emitter<SipStackEvents>(this.logger);
    return this.events.on(event, listener);
  }

  /**
   * Opens the shared transport (connecting to the first reachable server) and the transaction
   * layer. Resolves once connected; rejects (and the stack is `stopped`) when the transport
   * cannot be built or gives up.
   */
  async start(): Promise<void> {
    if (this.current !== 'idle')
      throw new UserAgentError('NOT_STARTED', `cannot start a stack in state ${this.current}`);
    this.setState('starting');
    try {
      const transport = this.createTransport();
      this.transport = transport;
      // No INVITE transactions (`invite`): until a session layer brings them, an INVITE is
      // answered 405 statelessly and the bundle does not carry them.
      this.layer = new TransactionLayer({
        transport,
        clock: this.clock,
        random: this.random,
        supported: SUPPORTED,
        user: this,
      });
      transport.on('state', (state) => this.onTransportState(state));
      transport.on('flowFailed', () => {
        for (const m of this.allMembers()) m.onFlowFailed();
      });
      await transport.connect();
    } catch (e) {
      await this.close();
      throw e;
    }
    if ((this.current as SipStackState) === 'starting') this.setState('started');
  }

  /**
   * Stops every user agent still attached (each unregisters as its profile does on stop), then
   * closes the transaction layer and the transport. Resolves once the socket is closed.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /** True when `servers` names the same servers as this stack (order and weights aside). */
  matches(servers: readonly ServerConfig[]): boolean {
    if (servers === this.servers) return true;
    this.serverKeys ??= new Set(this.servers.map(serverKey));
    const mine = this.serverKeys;
    const keys = new Set(servers.map(serverKey));
    if (keys.size !== mine.size) return false;
    for (const k of keys) if (!mine.has(k)) return false;
    return true;
  }

  /**
   * Attaches a user agent: it now receives transport changes and its requests.
   * @internal
   */
  attach(member: StackMember): void {
    if (member === this.owner) return;
    const user = member.contactUser;
    if (user === undefined) throw new UserAgentError('NOT_STARTED', 'a member needs its Contact user');
    const current = this.byContactUser.get(user);
    if (current === undefined) this.byContactUser.set(user, member);
    else if (Array.isArray(current)) {
      if (!current.includes(member)) current.push(member);
      else return;
    } else if (current !== member) this.byContactUser.set(user, [current, member]);
    else return;
    this.memberCount++;
  }

  /**
   * Detaches a user agent (it stopped).
   * @internal
   */
  detach(member: StackMember): void {
    if (this.owner === member) {
      this.owner = undefined;
      return;
    }
    const user = member.contactUser;
    if (user === undefined) return;
    const current = this.byContactUser.get(user);
    if (current === member) {
      this.byContactUser.delete(user);
      this.memberCount--;
    } else if (Array.isArray(current)) {
      const i = current.indexOf(member);
      if (i < 0) return;
      current.splice(i, 1);
      // The first attached of the rest takes over its requests.
      if (current.length === 1) this.byContactUser.set(user, current[0]!);
      this.memberCount--;
    }
  }

  /** Every attached member (the owner first), as a list that later changes do not affect. */
  private allMembers(): StackMember[] {
    const out: StackMember[] = this.owner ? [this.owner] : [];
    for (const m of this.byContactUser.values()) {
      if (Array.isArray(m)) out.push(...m);
      else out.push(m);
    }
    return out;
  }

  /**
   * Resolves when the transport is connected (at once if it is); rejects when the stack stops.
   * @internal
   */
  whenConnected(): Promise<void> {
    if (this.transport?.state === 'connected') return Promise.resolve();
    if (this.current === 'stopping' || this.current === 'stopped')
      return Promise.reject(new UserAgentError('STOPPED', 'the stack is stopped'));
    if (!this.connectedWaiter) {
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.connectedWaiter = { promise, resolve, reject };
    }
    return this.connectedWaiter.promise;
  }

  /**
   * Transaction user entry point: dispatches a request to its user agent or answers it.
   * @internal
   */
  onRequest(tx: ServerTransaction, request: SipRequest): void {
    const member = this.owner ?? this.route(request);
    if (member) {
      member.handleRequest(tx, request);
      return;
    }
    const uri = request.uri;
    const toTag = generateTag(this.random);
    if (uri.kind === 'sip' && uri.user !== undefined) {
      // RFC 3261 section 8.2.2.1: not an address this stack accepts requests for.
      const headers: [string, string][] = this.options.userAgent ? [['Server', this.options.userAgent]] : [];
      tx.respond(createResponse(request, 404, { toTag, headers }));
      return;
    }
    answerRequest(tx, request, this.options.userAgent, toTag);
  }

  /** The member a request is for: by Asterisk `line`, Contact user, then address-of-record. */
  private route(request: SipRequest): StackMember | undefined {
    const uri = request.uri;
    if (uri.kind !== 'sip') return undefined;
    const line = uri.params.get('line');
    if (line) {
      for (const m of this.allMembers()) if (m.line === line) return m;
    }
    const user = uri.user;
    if (user === undefined) return undefined;
    const byContact = this.byContactUser.get(user);
    if (byContact) return Array.isArray(byContact) ? byContact[0] : byContact;
    const host = uri.hostname.toLowerCase();
    for (const m of this.allMembers()) if (m.ownsAor(user, host)) return m;
    return undefined;
  }

  private send(request: SipRequest): Promise<SipResponse> {
    const layer = this.layer;
    const transport = this.transport;
    if (!layer || !transport || this.current === 'stopped')
      return Promise.reject(new UserAgentError('STOPPED', 'the stack is not running'));
    const server = transport.server;
    const stream = server.transport === 'ws' || server.transport === 'wss';
    return layer.request(request, { target: stream ? undefined : serverEndpoint(server) }).final;
  }

  private localInfo(): LocalInfo {
    const t = this.transport;
    if (!t) return { host: 'invalid.invalid', port: 0, transport: 'udp' };
    return { host: t.local.host, port: t.local.port, transport: t.protocol };
  }

  private onTransportState(state: TransportState): void {
    this.events?.emit('transport', state);
    if (state === 'connected' && this.connectedWaiter) {
      const w = this.connectedWaiter;
      this.connectedWaiter = undefined;
      w.resolve();
    }
    for (const m of this.allMembers()) m.onTransportState(state);
  }

  private async shutdown(): Promise<void> {
    if (this.current === 'idle') {
      this.setState('stopped');
      return;
    }
    if (this.current === 'stopped') return;
    this.setState('stopping');
    await Promise.all(this.allMembers().map((m) => m.stop()));
    await this.close();
  }

  /** Closes the layer and the transport; the one way into `stopped`. */
  private async close(): Promise<void> {
    const waiter = this.connectedWaiter;
    this.connectedWaiter = undefined;
    waiter?.reject(new UserAgentError('STOPPED', 'the stack stopped'));
    this.layer?.close();
    await this.transport?.close();
    this.setState('stopped');
  }

  private setState(state: SipStackState): void {
    if (state === this.current) return;
    this.current = state;
    this.events?.emit('state', state);
  }

  private createTransport(): ReconnectingTransport<ServerConfig> {
    const trace = this.options.trace;
    const factory = this.options.transportFactory ?? webSocketTransportFactory;
    const context = {
      clock: this.baseClock,
      random: this.random,
      logger: this.logger,
      keepAliveInterval: this.options.connection?.keepAliveInterval ?? 0,
      onTrace: trace
        ? (direction: TraceDirection, data: Uint8Array | string, peer: Endpoint) =>
            trace(direction, redactCredentials(data), peer)
        : undefined,
    };
    return new ReconnectingTransport<ServerConfig>({
      servers: this.servers.map((server) => ({ server, weight: server.weight })),
      create: (server) => factory(server, context),
      clock: this.baseClock,
      random: this.random,
      logger: this.logger,
      ...reconnectOptions(this.options.connection?.reconnect, this.random),
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
