import { GRACEFUL_SHUTDOWN_SECONDS, hideSecrets, type UserAgentConfig } from '@sipkit/config';
import { applyAuthorization, type Credentials, type DigestClient } from '@sipkit/digest';
import type { SipRequest, SipResponse, SipUri } from '@sipkit/parser';
import {
  type Authenticator,
  type CoreRegistererOptions,
  type DigestPolicy,
  Registerer,
  type RegistererObserver,
  type RegistrationProfile,
  type RegistrationResult,
  requiresOutbound,
  type StateChange,
  sipkitProfile,
  type UnregisterResult,
} from '@sipkit/registerer/core';
import { generateTag, type ServerTransaction } from '@sipkit/transaction';
import {
  type Clock,
  cryptoRandom,
  Emitter,
  type Endpoint,
  type Logger,
  type RandomSource,
  randomBelow,
  randomToken,
  silentLogger,
  type TraceDirection,
  type TransportState,
} from '@sipkit/transport';
import {
  answerChallenge,
  credentialsFromConfig,
  samePolicy,
  userAgentDigestClient,
} from './authenticator.js';
import { UserAgentError } from './errors.js';
import { buildRegistererOptions } from './registerer-options.js';
import { answerRequest } from './request-handler.js';
import type { SipStack } from './sip-stack.js';
import { StackBase, type StackMember } from './stack-base.js';
import type { TransportFactory } from './transport-factory.js';
import { type IdentityOverride, identityAor, withIdentity } from './with-identity.js';

/**
 * The keep-alive interval a REGISTER 2xx asks for (RFC 5626 section 4.4.1): its `Flow-Timer`
 * seconds, when the registrar confirmed outbound with `Require: outbound` (section 4.2.1: without
 * it the flow is not an outbound flow).
 */
function flowTimer(response: SipResponse): number | undefined {
  const seconds = Number(response.headers.get('flow-timer'));
  return requiresOutbound(response) && Number.isInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/** Receives every SIP message as text with Authorization values already replaced by `<redacted>`. */
export type SipTrace = (direction: TraceDirection, text: string, peer: Endpoint) => void;

/** The config's `traceSip`: every message to `logger` at `info`, as SIP.js logs its trace. */
function traceTo(logger: Logger): SipTrace {
  return (direction, text, peer) => logger.info(`SIP ${direction} ${peer.host}:${peer.port}\n${text}`);
}

/** What the host environment injects; everything has a default. */
export interface UserAgentOptions {
  /**
   * A started {@link SipStack} to share with other user agents: this user agent then opens no
   * transport of its own, and takes the stack's transport factory, clock, random source and trace
   * (the options of the same name here are ignored). The config's servers must be the stack's.
   */
  stack?: SipStack;
  /**
   * Who this user agent is when `config` is a base shared by a population: the AOR and digest
   * credentials replace the config's exactly as {@link withIdentity}`(config, identity)` would,
   * but no config object is built per user agent (the lighter way to run thousands of them;
   * {@link UserAgent.config} then builds the effective config on each read).
   */
  identity?: IdentityOverride;
  /** Builds transports; default WebSocket only (browser-safe). Node: `nodeTransportFactory` from `@sipkit/ua/node`. */
  transportFactory?: TransportFactory;
  /** Clock of every timer; default the system clock. */
  clock?: Clock;
  /** Random source for tags, Call-IDs, branches and back-off; default Web Crypto. */
  random?: RandomSource;
  /** Diagnostics; default silent (with a `stack`: the stack's logger). */
  logger?: Logger;
  /** SIP trace, credentials redacted. */
  trace?: SipTrace;
  /**
   * The registration profile object to follow instead of the one the config names (from
   * `@sipkit/registerer/core`, e.g. `jssipProfile` or `createAsteriskProfile({...})`). The
   * `UserAgent` of `@sipkit/ua/core` needs it for any profile but `sipkit`.
   */
  profile?: RegistrationProfile;
  /**
   * Credentials beyond the config's digest ones, tried with them: `BearerCredentials` from
   * `@sipkit/digest` answer `WWW-Authenticate: Bearer` challenges (RFC 8898), e.g.
   * `[BearerCredentials.fromProvider(getToken)]`, asked again for a token when the registrar
   * refuses one. A separate option so that an app without Bearer does not ship it. User agents
   * given the same options object share them (and so a cached token).
   */
  credentials?: readonly Credentials[];
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
  /**
   * A refresh is due (JsSIP's event of the same name). While this event has a listener the user
   * agent does not refresh by itself: the listener calls `register()` before the binding expires.
   */
  registrationExpiring: () => void;
}

/**
 * The reference sipkit user agent: one (reconnecting, failing-over) transport, the transaction
 * layer, digest authentication and a registerer that follows the config's profile. Answers
 * OPTIONS. `stop()` unregisters, closes everything and leaves no timer or socket behind.
 *
 * This is the `UserAgent` of `@sipkit/ua/core`: it takes a `UserAgentConfig` and follows the
 * `sipkit` profile or the `profile` object of its options, so a bundle carries neither the config
 * adapters nor the other profiles. The `UserAgent` of `@sipkit/ua` extends it with the
 * `fromJsSIP`/`fromSipJs`/`fromSipJsLegacy`/`fromPjsip` statics and every profile by name.
 *
 * With `options.stack` it shares a {@link SipStack} (one transport, one transaction layer) with
 * other user agents; without, it runs a stack of its own. Idle user agents are kept small: no
 * emitter until someone listens, no message kept after its transaction, one timer.
 */
export class UserAgent implements StackMember, RegistererObserver, Authenticator {
  /** The config as given: with `options.identity`, a base shared with other user agents. */
  readonly #base: UserAgentConfig;
  readonly #options: UserAgentOptions;
  #current: UserAgentState = 'idle';
  #stack: StackBase | undefined;
  #reg: Registerer | undefined;
  /** Created on the first subscription (most user agents of a large population have none). */
  #events: Emitter<UserAgentEvents> | undefined;
  #stopping: Promise<void> | undefined;
  /** Made on the first challenge, for the policy the registerer's profile passes. */
  #digest: DigestClient | undefined;

  constructor(config: UserAgentConfig, options: UserAgentOptions = {}) {
    if (config.servers.length === 0)
      throw new UserAgentError('NO_SERVER', 'the configuration names no server');
    this.#base = config;
    // A config built by hand gets the redacted JSON / inspect forms the adapters give.
    for (const c of config.credentials.digest) hideSecrets(c);
    if (config.credentials.bearer) hideSecrets(config.credentials.bearer);
    // Kept by reference: many user agents built with one options object share it.
    this.#options = options;
    // A profile this class cannot follow fails here, not after connecting.
    if (!options.profile) this.registrationProfile(config);
    // An AOR this class cannot use fails here; it is parsed again when needed, not kept (an idle
    // user agent of a large population would hold a parsed URI for nothing).
    if (options.identity) identityAor(config, options.identity.aor);
  }

  /** The configuration this user agent runs (with `options.identity`: built on each read). */
  get config(): UserAgentConfig {
    const who = this.#options.identity;
    return who ? withIdentity(this.#base, who) : this.#base;
  }

  /** The lifecycle state. */
  get state(): UserAgentState {
    return this.#current;
  }

  /** The registerer, once started. */
  get registerer(): Registerer | undefined {
    return this.#reg;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof UserAgentEvents & string>(event: E, listener: UserAgentEvents[E]): () => void {
    this.#events ??= new Emitter<UserAgentEvents>(this.#logger);
    return this.#events.on(event, listener);
  }

  /**
   * Connects to the first reachable server (or, with a shared stack, waits until the stack's
   * transport is connected) and, when the config registers automatically, starts registering
   * (without waiting for the outcome: watch `registration`). Resolves once connected.
   */
  async start(): Promise<void> {
    if (this.#current !== 'idle')
      throw new UserAgentError('NOT_STARTED', `cannot start in state ${this.#current}`);
    const shared = this.#options.stack;
    shared?.checkJoin(this.#base.servers);
    this.#setState('starting');
    try {
      if (shared) {
        this.#stack = shared;
        this.#reg = this.#createRegisterer(shared);
        shared.attach(this);
        await shared.whenConnected();
      } else {
        const stack = this.#createOwnStack();
        this.#stack = stack;
        stack.owner = this;
        await stack.start();
        this.#reg = this.#createRegisterer(stack);
      }
    } catch (e) {
      await this.#shutdown();
      throw e;
    }
    // stop() may have been called while connecting.
    if ((this.#current as UserAgentState) !== 'starting') return;
    this.#setState('started');
    // SIP.js stops on `unload`; `pagehide` is the event browsers still fire reliably. Through a
    // WeakRef, so the listener does not keep a user agent that stopped alive.
    const page = (globalThis as { window?: EventTarget }).window;
    if (this.#base.lifecycle?.autoStop && page?.addEventListener) {
      const ref = new WeakRef(this);
      page.addEventListener('pagehide', () => void ref.deref()?.stop(), { once: true });
    }
    if (!this.#base.registration.enabled) return;
    // In its turn on a shared stack, which paces registrations; by then this user agent may be
    // stopping.
    const begin = (): Promise<unknown> =>
      this.#current === 'started'
        ? this.#reg!.register().catch((e: unknown) =>
            this.#logger.warn(`registration failed: ${(e as Error).message}`),
          )
        : Promise.resolve();
    this.#stack!.admit(this, begin);
  }

  /**
   * Registers (or refreshes now); resolves with the granted binding. Rejects with
   * `NOT_STARTED` unless started (never throws synchronously).
   */
  async register(): Promise<RegistrationResult> {
    return this.#started().register();
  }

  /**
   * Removes this user agent's binding, or every binding of the AOR with `{ all: true }`.
   * Rejects with `NOT_STARTED` unless started (never throws synchronously).
   */
  async unregister(options: { all?: boolean } = {}): Promise<UnregisterResult> {
    return this.#started().unregister(options);
  }

  /**
   * Unregisters if registered, then detaches from a shared stack or closes its own transport.
   * The un-REGISTER (and a request in flight before it) gets `lifecycle.gracefulShutdown`
   * seconds, default {@link GRACEFUL_SHUTDOWN_SECONDS}; 0 closes without it. Resolves once
   * nothing of this user agent runs any more (its own socket closed); a second call returns the
   * same promise.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopNow();
    return this.#stopping;
  }

  // ---------------------------------------------------------------------------------------
  // StackMember and RegistererObserver: how the stack and the registerer reach this user agent

  /** @internal Contact user of the registerer. */
  get contactUser(): string | undefined {
    return this.#reg?.contactUser;
  }

  /** @internal Asterisk `line` value of the registerer's Contact. */
  get line(): string | undefined {
    return this.#reg?.line;
  }

  /** @internal The address-of-record as `user@host` (host in lower case), for request routing. */
  get aorKey(): string | undefined {
    const who = this.#options.identity;
    const aor = who ? identityAor(this.#base, who.aor) : this.#base.identity.aor;
    return aor.user === undefined ? undefined : `${aor.user}@${aor.hostname.toLowerCase()}`;
  }

  /** @internal The transport changed state. */
  onTransportState(state: TransportState): void {
    this.#events?.emit('transport', state);
    if (this.#current !== 'started') return;
    if (state === 'connected') this.#reg?.onTransportConnected();
    else if (state === 'disconnected') this.#reg?.onTransportDisconnected();
  }

  /** @internal The RFC 5626 flow failed. */
  onFlowFailed(): void {
    this.#reg?.onFlowFailed();
  }

  /** @internal A request for this user agent. */
  handleRequest(tx: ServerTransaction, request: SipRequest): void {
    answerRequest(tx, request, this.#base.userAgent, generateTag(this.#random));
  }

  /**
   * @internal The registerer's authenticator: answers a 401/407 with the config's credentials
   * and the profile's digest policy.
   */
  authorize(
    challenge: SipResponse,
    request: SipRequest,
    policy?: DigestPolicy,
    challenged?: SipRequest,
  ): Promise<boolean> {
    // Made inside answerChallenge's error handling: unusable credentials reject, never throw here.
    const client = () => {
      // The registerer always passes its profile's policy; another one gets a client of its own.
      const usual = samePolicy(this.#reg?.profile.digest, policy);
      let made = usual ? this.#digest : undefined;
      if (!made) {
        made = userAgentDigestClient(
          this.config.credentials,
          policy,
          this.#random,
          this.#base.profile === 'jssip',
          this.#reg?.profile.preemptiveAuthorization === true,
          this.#options.credentials,
        );
        if (usual) this.#digest = made;
      }
      return made;
    };
    return answerChallenge(client, challenge, request, policy, this.#logger, challenged);
  }

  /** @internal The registerer's preemptive credentials: the last challenge, next nonce count. */
  preauthorize(request: SipRequest): boolean {
    const answers = this.#digest?.reauthorize(request) ?? [];
    if (answers.length === 0) return false;
    applyAuthorization(request.headers, answers);
    return true;
  }

  /** @internal The registerer changed state. */
  registrationChanged(change: StateChange): void {
    const res = change.response;
    if (res && change.state === 'registered' && this.#reg?.outbound) {
      const seconds = flowTimer(res);
      if (seconds !== undefined) this.#stack?.setFlowTimer(seconds);
      // RFC 5626 section 4.4.1: a confirmed outbound flow is kept alive (the stack picks the
      // interval when there is no Flow-Timer: 96-120 s on a stream, 23-29 s over UDP).
      if (this.#reg.profile.keepsOutboundFlowAlive && requiresOutbound(res))
        this.#stack?.keepFlowAlive(seconds);
    }
    this.#events?.emit('registration', change);
  }

  /** @internal A refresh is due: with `registrationExpiring` listeners it is theirs to do. */
  refreshDue(): boolean {
    if (!this.#events?.count('registrationExpiring')) return false;
    this.#events.emit('registrationExpiring');
    return true;
  }

  // ---------------------------------------------------------------------------------------

  /**
   * Makes the registerer: here the `Registerer` of `@sipkit/registerer/core`; the `UserAgent` of
   * `@sipkit/ua` makes the one of `@sipkit/registerer` (a subclass), so that `instanceof` holds
   * for the class its users import.
   */
  protected newRegisterer(options: CoreRegistererOptions): Registerer {
    return new Registerer(options);
  }

  /**
   * The registration profile a config names, when the options give none: here `sipkit` only
   * (`UNSUPPORTED_PROFILE` otherwise); the `UserAgent` of `@sipkit/ua` knows every name.
   */
  protected registrationProfile(config: UserAgentConfig): RegistrationProfile {
    if (config.profileParams.profile === 'sipkit') return sipkitProfile;
    throw new UserAgentError(
      'UNSUPPORTED_PROFILE',
      `the configuration names the ${config.profileParams.profile} profile: pass it as options.profile, ` +
        'or import UserAgent from @sipkit/ua',
    );
  }

  get #logger(): Logger {
    return this.#options.logger ?? this.#options.stack?.logger ?? silentLogger;
  }

  get #random(): RandomSource {
    return this.#stack?.random ?? this.#options.random ?? cryptoRandom;
  }

  async #stopNow(): Promise<void> {
    if (this.#current === 'stopped') return;
    this.#setState('stopping');
    const reg = this.#reg;
    const seconds = this.#base.lifecycle?.gracefulShutdown ?? GRACEFUL_SHUTDOWN_SECONDS;
    if (reg && seconds > 0) {
      // A registrar that does not answer would hold stop() until Timer F (32 s): JsSIP closes
      // after 2 s whatever is in flight, and so does this by default.
      const clock = this.#stack!.clock;
      let timer: unknown;
      const late = new Promise<void>((resolve) => {
        timer = clock.setTimeout(resolve, seconds * 1000);
      });
      try {
        await Promise.race([reg.stop(), late]);
      } catch (e) {
        this.#logger.warn(`unregister on stop failed: ${(e as Error).message}`);
      }
      clock.clearTimeout(timer);
    }
    await this.#shutdown();
  }

  #started(): Registerer {
    if (this.#current !== 'started' || !this.#reg) {
      throw new UserAgentError('NOT_STARTED', `the user agent is ${this.#current}; call start() first`);
    }
    return this.#reg;
  }

  async #shutdown(): Promise<void> {
    this.#reg?.dispose();
    const stack = this.#stack;
    const shared = this.#options.stack;
    if (stack === shared) shared?.detach(this);
    else if (stack) {
      stack.owner = undefined;
      await stack.stop();
    }
    this.#setState('stopped');
  }

  #setState(state: UserAgentState): void {
    if (state === this.#current) return;
    this.#current = state;
    this.#events?.emit('state', state);
  }

  #createOwnStack(): StackBase {
    const o = this.#options;
    const { via, contact } = this.#base;
    // SIP.js `hackIpInContact: true`: one TEST-NET-1 address (192.0.2.1..254) for Via and Contact.
    const testNet = contact.randomTestNetHost
      ? `192.0.2.${1 + randomBelow(o.random ?? cryptoRandom, 254)}`
      : undefined;
    return new StackBase({
      via: { rport: via.forceRport, transport: via.transportOverride, host: contact.host ?? testNet },
      servers: this.#base.servers,
      connection: this.#base.connection,
      transportFactory: o.transportFactory,
      clock: o.clock,
      random: o.random,
      logger: o.logger,
      trace: o.trace ?? (this.#base.traceSip && o.logger ? traceTo(o.logger) : undefined),
      userAgent: this.#base.userAgent,
      localTransport: this.#base.localTransport,
    });
  }

  #createRegisterer(stack: StackBase): Registerer {
    // Invalid credentials fail start(); the digest client itself is made on the first challenge.
    const config = this.config;
    credentialsFromConfig(config.credentials);
    return this.newRegisterer(
      buildRegistererOptions(
        config,
        {
          clock: stack.clock,
          random: stack.random,
          sender: stack.sender,
          authenticator: this,
          logger: this.#options.logger ?? stack.logger,
          observer: this,
          profile: this.#options.profile ?? this.registrationProfile(config),
        },
        stack === this.#options.stack,
        this.#registererAor(config),
      ),
    );
  }

  /**
   * The AOR the registerer keeps: with `options.identity`, its own text when it reads as the
   * parsed AOR does (a string this user agent holds anyway), so no parsed URI is kept per user
   * agent; else the config's URI.
   */
  #registererAor(config: UserAgentConfig): string | SipUri {
    // SIP.js: `anonymous.<6 random characters>@anonymous.invalid` when no AOR was configured.
    if (config.identity.anonymous) return `sip:anonymous.${randomToken(this.#random, 6)}@anonymous.invalid`;
    const given = this.#options.identity?.aor;
    const aor = config.identity.aor;
    return typeof given === 'string' && aor.toString() === given ? given : aor;
  }
}
