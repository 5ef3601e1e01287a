import {
  type FromPjsipOptions,
  fromJsSIP,
  fromPjsip,
  fromSipJs,
  fromSipJsLegacy,
  type JsSipConfig,
  type ServerConfig,
  type SipJsLegacyConfig,
  type SipJsRegistererOptions,
  type SipJsUserAgentOptions,
  type UserAgentConfig,
} from '@sipkit/config';
import type { SipRequest, SipResponse } from '@sipkit/parser';
import {
  Registerer,
  type RegisterSender,
  type RegistrationResult,
  type StateChange,
  type UnregisterResult,
} from '@sipkit/registerer';
import { generateTag, TransactionLayer } from '@sipkit/transaction';
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
import { credentialsFromConfig, DigestAuthenticator } from './authenticator.js';
import { UserAgentError } from './errors.js';
import { registererOptionsFromConfig } from './registerer-options.js';
import { RequestHandler } from './request-handler.js';
import { serverEndpoint, type TransportFactory, webSocketTransportFactory } from './transport-factory.js';

/** Receives every SIP message as text with Authorization values already replaced by `<redacted>`. */
export type SipTrace = (direction: TraceDirection, text: string, peer: Endpoint) => void;

/** What the host environment injects; everything has a default. */
export interface UserAgentOptions {
  /** Builds transports; default WebSocket only (browser-safe). Node: `nodeTransportFactory` from `@sipkit/ua/node`. */
  transportFactory?: TransportFactory;
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
  /** SIP trace, credentials redacted. */
  trace?: SipTrace;
}

/** Lifecycle of a {@link UserAgent}; `stopped` is final. */
export type UserAgentState = 'idle' | 'starting' | 'started' | 'stopping' | 'stopped';

/** Events of a {@link UserAgent}. */
export interface UserAgentEvents {
  /** The user agent's lifecycle state changed. */
  state: (state: UserAgentState) => void;
  /** The transport's connection state changed. */
  transport: (state: TransportState) => void;
  /** The registration state changed (also on each refresh). */
  registration: (change: StateChange) => void;
}

const SUPPORTED = ['path', 'gruu', 'outbound'];

/**
 * The reference sipkit user agent: one (reconnecting, failing-over) transport, the transaction
 * layer, digest authentication and a registerer that follows the config's profile. Answers
 * OPTIONS. `stop()` unregisters, closes everything and leaves no timer or socket behind.
 */
export class UserAgent {
  /** The validated configuration this user agent runs. */
  readonly config: UserAgentConfig;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly logger: Logger;
  private readonly factory: TransportFactory;
  private readonly trace: SipTrace | undefined;
  private readonly events: Emitter<UserAgentEvents>;
  private current: UserAgentState = 'idle';
  private transport: ReconnectingTransport<ServerConfig> | undefined;
  private layer: TransactionLayer | undefined;
  private reg: Registerer | undefined;
  private readonly cleanup: (() => void)[] = [];

  constructor(config: UserAgentConfig, options: UserAgentOptions = {}) {
    if (config.servers.length === 0)
      throw new UserAgentError('NO_SERVER', 'the configuration names no server');
    this.config = config;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? cryptoRandom;
    this.logger = options.logger ?? silentLogger;
    this.factory = options.transportFactory ?? webSocketTransportFactory;
    this.trace = options.trace;
    this.events = new Emitter<UserAgentEvents>(this.logger);
  }

  /** A user agent from a JsSIP `UA` configuration. */
  static fromJsSIP(config: JsSipConfig, options?: UserAgentOptions): UserAgent {
    return new UserAgent(fromJsSIP(config), options);
  }
  /** A user agent from a SIP.js 0.7 `SIP.UA` configuration (camelCase or snake_case). */
  static fromSipJsLegacy(config: SipJsLegacyConfig, options?: UserAgentOptions): UserAgent {
    return new UserAgent(fromSipJsLegacy(config), options);
  }
  /** A user agent from SIP.js 0.21 `UserAgentOptions` and `RegistererOptions`. */
  static fromSipJs(
    userAgentOptions: SipJsUserAgentOptions,
    registererOptions?: SipJsRegistererOptions,
    options?: UserAgentOptions,
  ): UserAgent {
    return new UserAgent(fromSipJs(userAgentOptions, registererOptions), options);
  }
  /** A user agent from an Asterisk pjsip.conf `type=registration` section. */
  static fromPjsip(text: string, pjsip?: FromPjsipOptions, options?: UserAgentOptions): UserAgent {
    return new UserAgent(fromPjsip(text, pjsip), options);
  }

  get state(): UserAgentState {
    return this.current;
  }

  /** The registerer, once started. */
  get registerer(): Registerer | undefined {
    return this.reg;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof UserAgentEvents & string>(event: E, listener: UserAgentEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  /**
   * Connects to the first reachable server and, when the config registers automatically,
   * starts registering (without waiting for the outcome: watch `registration`). Resolves
   * once connected.
   */
  async start(): Promise<void> {
    if (this.current !== 'idle')
      throw new UserAgentError('NOT_STARTED', `cannot start in state ${this.current}`);
    this.setState('starting');
    const transport = this.createTransport();
    this.transport = transport;
    const layer = new TransactionLayer({
      transport,
      clock: this.clock,
      random: this.random,
      supported: SUPPORTED,
      user: new RequestHandler(this.config.userAgent, SUPPORTED, () => generateTag(this.random)),
    });
    this.layer = layer;
    this.reg = this.createRegisterer(transport, layer);
    this.cleanup.push(
      this.reg.on('state', (change) => this.events.emit('registration', change)),
      transport.on('state', (state) => this.onTransportState(state)),
      transport.on('flowFailed', () => this.reg?.onFlowFailed()),
    );
    try {
      await transport.connect();
    } catch (e) {
      await this.shutdown();
      throw e;
    }
    this.setState('started');
    if (this.config.registration.enabled) {
      this.reg
        .register()
        .catch((e: unknown) => this.logger.warn(`registration failed: ${(e as Error).message}`));
    }
  }

  /** Registers (or refreshes now); resolves with the granted binding. */
  register(): Promise<RegistrationResult> {
    return this.started().register();
  }

  /** Removes this user agent's binding, or every binding of the AOR with `{ all: true }`. */
  unregister(options: { all?: boolean } = {}): Promise<UnregisterResult> {
    return this.started().unregister(options);
  }

  /** Unregisters if registered, then closes the transport; nothing keeps running afterwards. */
  async stop(): Promise<void> {
    if (this.current === 'stopped' || this.current === 'stopping') return;
    this.setState('stopping');
    try {
      await this.reg?.stop();
    } catch (e) {
      this.logger.warn(`unregister on stop failed: ${(e as Error).message}`);
    }
    await this.shutdown();
  }

  private started(): Registerer {
    if (this.current !== 'started' || !this.reg) {
      throw new UserAgentError('NOT_STARTED', `the user agent is ${this.current}; call start() first`);
    }
    return this.reg;
  }

  private async shutdown(): Promise<void> {
    this.reg?.dispose();
    for (const off of this.cleanup.splice(0)) off();
    this.layer?.close();
    await this.transport?.close();
    this.setState('stopped');
  }

  private setState(state: UserAgentState): void {
    if (state === this.current) return;
    this.current = state;
    this.events.emit('state', state);
  }

  private onTransportState(state: TransportState): void {
    this.events.emit('transport', state);
    if (this.current !== 'started') return;
    if (state === 'connected') this.reg?.onTransportConnected();
    else if (state === 'disconnected') this.reg?.onTransportDisconnected();
  }

  private createTransport(): ReconnectingTransport<ServerConfig> {
    const trace = this.trace;
    const context = {
      clock: this.clock,
      random: this.random,
      logger: this.logger,
      keepAliveInterval: this.config.connection.keepAliveInterval,
      onTrace: trace
        ? (direction: TraceDirection, data: Uint8Array | string, peer: Endpoint) =>
            trace(direction, redactCredentials(data), peer)
        : undefined,
    };
    return new ReconnectingTransport<ServerConfig>({
      servers: this.config.servers.map((server) => ({ server, weight: server.weight })),
      create: (server) => this.factory(server, context),
      clock: this.clock,
      random: this.random,
      logger: this.logger,
      ...this.reconnectOptions(),
    });
  }

  /** The config's reconnect behaviour as transport options. */
  private reconnectOptions(): Pick<
    ReconnectingTransportOptions<ServerConfig>,
    'policy' | 'failover' | 'serverRetries' | 'maxAttempts'
  > {
    const r = this.config.connection.reconnect;
    const random = this.random;
    switch (r.kind) {
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

  private createRegisterer(
    transport: ReconnectingTransport<ServerConfig>,
    layer: TransactionLayer,
  ): Registerer {
    const sender: RegisterSender = {
      send: (request: SipRequest): Promise<SipResponse> => {
        const server = transport.server;
        const stream = server.transport === 'ws' || server.transport === 'wss';
        return layer.request(request, { target: stream ? undefined : serverEndpoint(server) }).final;
      },
      get local() {
        return { host: transport.local.host, port: transport.local.port, transport: transport.protocol };
      },
    };
    const authenticator = new DigestAuthenticator(
      credentialsFromConfig(this.config.credentials),
      this.random,
      this.logger,
      this.config.profile === 'jssip',
    );
    return new Registerer({
      ...registererOptionsFromConfig(this.config),
      clock: this.clock,
      random: this.random,
      sender,
      authenticator,
      logger: this.logger,
    });
  }
}

const none: ServerRetries = { attempts: 0, delayMs: 0 };
