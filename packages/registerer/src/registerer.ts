import { AuthenticationError } from '@sipkit/digest';
import { createRequest, parseUri, type SipRequest, SipResponse, type SipUri, type Uri } from '@sipkit/parser';
import {
  DISPOSED,
  MAX_AGREEMENT_RESENDS,
  MAX_INTERVAL_RESENDS,
  MIN_REGISTER_GAP_MS,
  OUTBOUND_OFF,
  PREEMPTIVE_REJECTED,
  PUB_GRUU_DERIVED,
  REREGISTER_ON_CONNECT,
  STUCK,
  USER_IS_RANDOM,
  WANTED,
} from './constants.js';
import { codeForStatus, RegistrationError, type RegistrationErrorCode } from './errors.js';
import type { CoreRegistererOptions, UnregisterOptions } from './options.js';
import type { HeaderSlot, RegistrationProfile } from './profile.js';
import { paramText } from './profiles/common.js';
import { sipkitProfile } from './profiles/sipkit.js';
import { flat, LOWER, token, uuid } from './random.js';
import { authLines, carriesBearer, isAuthLine, type Line, nameAddr, optional } from './request-builder.js';
import {
  challengeParam,
  challengeRealms,
  contactsOf,
  isStale,
  minExpires,
  rawValues,
  requiresOutbound,
  retryAfter,
} from './response-values.js';
import type { Gruu, RegistrationResult, UnregisterResult } from './result.js';
import { SecurityAgreement } from './security-agreement.js';
import type { RegistererEvents, RegistrationState, StateChange, StateChangeReason } from './state.js';

export { MIN_REGISTER_GAP_MS };

type TimerName = 'start' | 'refresh' | 'retry' | 'expiry';
/** The timers that move the registration on; at most one of them is armed at a time. */
type ActionTimer = Exclude<TimerName, 'expiry'>;

/** Shared by every registerer that carries no Authorization lines forward. */
const NO_AUTH: [string, string][] = [];

/** Allowed transitions; anything else is a bug in this file. `stopped` is final. */
const TRANSITIONS: Readonly<Record<RegistrationState, readonly RegistrationState[]>> = {
  unregistered: ['registering', 'registered', 'rejected', 'retry-wait', 'unregistering', 'stopped'],
  registering: ['registered', 'retry-wait', 'rejected', 'unregistered', 'unregistering', 'stopped'],
  registered: ['registered', 'retry-wait', 'rejected', 'unregistered', 'unregistering', 'stopped'],
  'retry-wait': ['registering', 'registered', 'rejected', 'unregistered', 'unregistering', 'stopped'],
  rejected: ['registering', 'registered', 'retry-wait', 'unregistered', 'unregistering', 'stopped'],
  unregistering: ['unregistered', 'retry-wait', 'rejected', 'stopped'],
  stopped: [],
};

/** Marks responses made up here when the sender itself threw. */
const synthetic = new WeakSet<SipResponse>();
/** Why a 401/407 was left unanswered: what the authenticator threw, or a refusal seen here. */
const authFailures = new WeakMap<SipResponse, unknown>();

/** Marks responses to a REGISTER that carried our credentials. */
const afterAuth = new WeakSet<SipResponse>();

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * What a registerer holds only while calls overlap or someone waits. Idle registerers (thousands
 * of them in a load generator) keep none of it.
 */
interface Pending {
  /** Callers of register() waiting for the outcome. */
  registerWaiters?: Deferred<RegistrationResult>[];
  /** An unregister() waiting for the REGISTER in flight. */
  pendingUnregister?: { options: UnregisterOptions; done: Deferred<UnregisterResult> };
  /** The un-REGISTER in flight, which a second unregister() joins. */
  currentUnregister?: Deferred<UnregisterResult>;
  /** A register() that came during an un-REGISTER. */
  queuedRegister?: true;
  /** A re-REGISTER to send once the request in flight ends. */
  reregisterWhenIdle?: StateChangeReason;
  /** stop() waiting for the request in flight. */
  idleWaiters?: (() => void)[];
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function toSipUri(value: string | SipUri, what: string): SipUri {
  let uri: Uri;
  try {
    uri = typeof value === 'string' ? parseUri(value) : value;
  } catch {
    throw new RegistrationError('INVALID_OPTIONS', `${what} is not a valid URI`);
  }
  if (uri.kind !== 'sip')
    throw new RegistrationError('INVALID_OPTIONS', `${what} must be a sip: or sips: URI`);
  return uri;
}

/**
 * The serialised form of `uri`, parsed from `given`: `given` itself when it reads the same (the
 * caller's string, kept anyway), else a flat copy.
 */
function flatText(uri: SipUri, given: string): string {
  const text = uri.toString();
  return text === given ? given : flat(text);
}

function entries(record: Record<string, string | null> | undefined): [string, string | null][] {
  return record ? Object.entries(record) : [];
}

/** Registerer state that most registerers never have, kept in an object made on first use. */
interface Rare {
  /** Created on the first `on()`: most registerers only have an {@link RegistererObserver}. */
  listeners?: RegistererEvents['state'][];
  /** Asterisk `line`: the value in our Contact URI. */
  lineValue?: string;
  /** SIP.js `instanceIdAlwaysAdded`: the instance id written after the Contact's `>`. */
  alwaysInstance?: string;
  /** The Authorization lines to send again (profiles with `reuseAuthorization`). */
  lastAuth?: [string, string][];
  /** Present only with `securityAgreement`. */
  agreement?: SecurityAgreement;
}

/**
 * Where a request stands towards Asterisk's bare 423 resend (see `quirks.bareIntervalResend`):
 * not one, the resend itself (no `Supported`, mediasec headers or User-Agent override), or its
 * answer to a challenge (the User-Agent override and mediasec back, `Supported` still missing).
 */
type BareStage = 'none' | 'resend' | 'auth-resend';

/**
 * A registration client (RFC 3261 section 10) with RFC 5626 outbound, RFC 5627 GRUU and RFC
 * 3327 Path, whose timing, header layout and retry policy come from a {@link RegistrationProfile}.
 * One request is in flight at a time. Timers run on the injected clock; `stop()`/`dispose()`
 * leave none behind.
 */
export class Registerer {
  /** The profile in use. */
  readonly profile: RegistrationProfile;
  /** Call-ID of every REGISTER of this registerer. */
  readonly callId: string;

  #_state: RegistrationState = 'unregistered';
  readonly #opts: CoreRegistererOptions;
  /**
   * The address-of-record as given: a `SipUri` as it is, a string as its text (an idle
   * registerer of a large population then holds no parsed URI, a few hundred bytes less).
   */
  readonly #aor: SipUri | string;
  readonly #registrar: SipUri;
  /** The From tag of every request, for profiles with a fixed tag. */
  readonly #fixedTag: string | undefined;
  readonly #user: string;
  readonly #instance: string | undefined;
  readonly #regId: number | undefined;
  #contactText: string | undefined;
  #requested: number;
  #cseq: number;
  #granted: number | undefined;
  // Two fields rather than a Gruu object: one object less per registered user agent. The public
  // GRUU is not kept when it is the one RFC 5627 suggests (see PUB_GRUU_DERIVED).
  #gruuPub: string | undefined;
  #gruuTemp: string | undefined;
  /** What most registerers never have (see {@link Rare}): one slot instead of five. */
  #rare: Rare | undefined;
  #retries = 0;
  #busy: 'register' | 'unregister' | undefined;
  /** The yes/no fields below, as bits of one number: a field less per flag and registerer. */
  #flags = 0;
  // One clock timer serves the action timer (start, refresh or retry) and the local expiry.
  #actionKind: ActionTimer | undefined;
  #actionAt: number | undefined;
  #expiryAt: number | undefined;
  #timer: unknown;
  #timerAt: number | undefined;
  /** Clock time (whole ms) the last REGISTER exchange started, for {@link MIN_REGISTER_GAP_MS}. */
  #lastStart: number | undefined;
  /** Waiters and queued work: exists only while there are some (see {@link Pending}). */
  #pending: Pending | undefined;

  #setRare<K extends keyof Rare>(key: K, value: Rare[K]): void {
    if (value === undefined && !this.#rare) return;
    this.#rare ??= {};
    this.#rare[key] = value;
  }

  /** True when `bit` (one of the bits of {@link flags}) is set. */
  #is(bit: number): boolean {
    return (this.#flags & bit) !== 0;
  }
  #setFlag(bit: number, on: boolean): void {
    this.#flags = on ? this.#flags | bit : this.#flags & ~bit;
  }

  /** Sets one field of {@link pending}, creating it on demand and dropping it once all are empty. */
  #setPending<K extends keyof Pending>(key: K, value: Pending[K]): void {
    if (value === undefined && !this.#pending) return;
    this.#pending ??= {};
    this.#pending[key] = value;
    if (Object.values(this.#pending).every((v) => v === undefined)) this.#pending = undefined;
  }

  /** Takes the waiters of one list of {@link pending}, which is then empty. */
  #takeWaiters<K extends 'registerWaiters' | 'idleWaiters'>(key: K): NonNullable<Pending[K]> {
    const list = this.#pending?.[key] ?? [];
    this.#setPending(key, undefined);
    return list as NonNullable<Pending[K]>;
  }

  constructor(options: CoreRegistererOptions) {
    // Only the profile object given (or the default) is bundled; names are resolved by the
    // `Registerer` of the package's main entry.
    const profile = options.profile ?? sipkitProfile;
    if (typeof profile !== 'object')
      throw new RegistrationError(
        'INVALID_OPTIONS',
        `profile ${String(profile)}: pass a profile object (a name needs Registerer from @sipkit/registerer)`,
      );
    this.profile = profile;
    this.#opts = options;
    const aor = toSipUri(options.aor, 'aor');
    this.#aor = typeof options.aor === 'string' ? flatText(aor, options.aor) : aor;
    this.#registrar = options.registrar
      ? toSipUri(options.registrar, 'registrar')
      : profile.defaultRegistrar(aor);
    this.#requested = profile.normalizeExpires(options.expires);
    const random = options.random;
    this.callId = flat(options.callId ?? profile.newCallId(random));
    // Always drawn, so the random sequence does not depend on the profile; kept only when used.
    const tag = profile.newTag(random);
    this.#fixedTag = profile.fromTag === 'fixed' ? flat(tag) : undefined;
    this.#cseq = profile.firstCSeq(random) - 1;
    if (options.securityAgreement)
      this.#setRare('agreement', new SecurityAgreement(options.securityAgreement.mechanisms));
    const given = options.contact?.uri
      ? toSipUri(options.contact.uri, 'contact.uri').user
      : options.contact?.user;
    this.#setFlag(USER_IS_RANDOM, given === undefined);
    this.#user = flat(given ?? profile.defaultContactUser(random));
    if (options.contact?.line) this.#setRare('lineValue', token(random, 7, LOWER));
    const instanceId = options.instanceId?.replace(/^(urn:)?uuid:/i, '');
    const ob = profile.outbound({ instanceId, regId: options.regId, outbound: options.outbound }, random);
    this.#instance = ob.instance === undefined ? undefined : flat(ob.instance);
    this.#regId = ob.regId;
    const always = options.contact?.instanceAlways;
    if (always !== undefined)
      this.#setRare(
        'alwaysInstance',
        typeof always === 'string'
          ? flat(always.replace(/^(urn:)?uuid:/i, ''))
          : (this.#instance ?? flat(uuid(random))),
      );
  }

  /** The current state. */
  get state(): RegistrationState {
    return this.#_state;
  }

  /**
   * True while REGISTERs carry an RFC 5626 `reg-id`; false without one, and for good after a
   * 439 (First Hop Lacks Outbound Support) made the profile register without outbound.
   */
  get outbound(): boolean {
    return this.#regId !== undefined && !this.#is(OUTBOUND_OFF);
  }

  /** Granted expiry in seconds of the current binding, if registered. */
  get expires(): number | undefined {
    return this.#granted;
  }

  /** The GRUUs learned from the last 2xx (kept across refreshes that omit them). */
  get gruu(): Gruu {
    const gruu: Gruu = {};
    const pub = this.#pubGruu;
    if (pub !== undefined) gruu.pub = pub;
    if (this.#gruuTemp !== undefined) gruu.temp = this.#gruuTemp;
    return gruu;
  }

  /** The user part of our Contact URI (configured, or drawn by the profile). */
  get contactUser(): string {
    return this.#user;
  }

  /** The Asterisk `line` parameter value of our Contact URI, when `contact.line` is set. */
  get line(): string | undefined {
    return this.#rare?.lineValue;
  }

  /** Our Contact URI as sent (built on the first request). */
  get contact(): string | undefined {
    return this.#contactText;
  }

  /** The RFC 5626 instance id sent on the Contact, if any. */
  get instanceId(): string | undefined {
    return this.#instance;
  }

  /** True while a REGISTER or un-REGISTER is in flight. */
  get waiting(): boolean {
    return this.#busy !== undefined || this.#is(STUCK);
  }

  /** Clock time (ms) of the next refresh or retry, if one is scheduled. */
  get nextAt(): number | undefined {
    return this.#actionAt;
  }

  /** Subscribes to state changes; returns a function that unsubscribes. */
  on<E extends keyof RegistererEvents>(event: E, listener: RegistererEvents[E]): () => void {
    if (event !== 'state') return () => {};
    const list = this.#rare?.listeners ?? [];
    if (!list.includes(listener)) list.push(listener);
    this.#setRare('listeners', list);
    return () => {
      const current = this.#rare?.listeners;
      const i = current ? current.indexOf(listener) : -1;
      if (i < 0) return;
      current!.splice(i, 1);
      if (current!.length === 0) this.#setRare('listeners', undefined);
    };
  }

  /**
   * Registers (or refreshes now). Resolves with the outcome of this attempt, including auth and
   * 423 resends; rejects with a {@link RegistrationError} on failure, whose `nextRetryAt` says
   * when the profile retries by itself.
   */
  register(): Promise<RegistrationResult> {
    if (this.#_state === 'stopped')
      return Promise.reject(new RegistrationError('STOPPED', 'registerer is stopped'));
    if (this.#is(STUCK) || (this.#busy && this.profile.whileBusy === 'reject')) {
      return Promise.reject(new RegistrationError('REQUEST_PENDING', 'a request is already in flight'));
    }
    this.#setFlag(WANTED, true);
    const d = deferred<RegistrationResult>();
    this.#setPending('registerWaiters', [...(this.#pending?.registerWaiters ?? []), d]);
    if (this.#busy === 'register' || this.#actionKind === 'start') return d.promise;
    if (this.#busy === 'unregister') {
      this.#setPending('queuedRegister', true);
      return d.promise;
    }
    this.#retries = 0;
    const delay = this.profile.initialDelayMs(this.#opts.random);
    if (delay > 0) {
      this.#clearTimers('refresh', 'retry');
      this.#arm('start', delay);
      if (this.#_state !== 'registered') this.#go('registering', 'register', { nextAt: this.#actionAt });
    } else {
      this.#sendRegister('register');
    }
    return d.promise;
  }

  /**
   * Removes our binding (or all bindings of the AOR with `all`). Any final response ends
   * `unregistered`, except under a profile with `onUnregisterFailure: 'retry-policy'`
   * (Asterisk), where a failure is handled as a failed REGISTER.
   */
  unregister(options: UnregisterOptions = {}): Promise<UnregisterResult> {
    if (this.#_state === 'stopped') return Promise.resolve({ sent: false });
    if (this.#is(STUCK) || (this.#busy && this.profile.whileBusy === 'reject')) {
      return Promise.reject(new RegistrationError('REQUEST_PENDING', 'a request is already in flight'));
    }
    const when = this.profile.unregisterWhen;
    const registered = this.#_state === 'registered';
    this.#setFlag(WANTED, false);
    this.#setPending('queuedRegister', undefined);
    if (!registered && (when === 'registered' || (when === 'registered-or-all' && !options.all))) {
      this.#log('debug', 'unregister: nothing to do for this profile', { state: this.#_state });
      return Promise.resolve({ sent: false });
    }
    this.#clearTimers('start', 'refresh', 'retry');
    const pending = this.#pending;
    if (pending?.pendingUnregister) return pending.pendingUnregister.done.promise;
    if (this.#busy === 'unregister' && pending?.currentUnregister) return pending.currentUnregister.promise;
    const done = deferred<UnregisterResult>();
    if (this.#busy) {
      // RFC 3261 10.2: no overlap. The in-flight REGISTER's outcome is dropped when it ends.
      this.#setPending('pendingUnregister', { options, done });
    } else {
      void this.#sendUnregister(options, done);
    }
    return done.promise;
  }

  /**
   * Stops for good: waits for a request in flight, un-REGISTERs a registered binding when the
   * profile does so on shutdown, then moves to `stopped` with no timer left.
   */
  async stop(): Promise<void> {
    if (this.#_state === 'stopped') return;
    this.#setFlag(WANTED, false);
    this.#setPending('queuedRegister', undefined);
    this.#setPending('reregisterWhenIdle', undefined);
    this.#clearTimers('start', 'refresh', 'retry');
    if (this.#busy) {
      await new Promise<void>((r) => {
        this.#setPending('idleWaiters', [...(this.#pending?.idleWaiters ?? []), r]);
      });
    }
    if ((this.#_state as RegistrationState) === 'stopped') return;
    this.#clearTimers('start', 'refresh', 'retry');
    if (this.#_state === 'registered' && this.profile.unregisterOnStop && !this.#is(STUCK)) {
      const done = deferred<UnregisterResult>();
      await this.#sendUnregister({}, done, true);
    }
    this.dispose();
  }

  /** Stops at once: no request, no timer; pending promises reject with `STOPPED`. */
  dispose(): void {
    if (this.#_state === 'stopped') return;
    this.#setFlag(DISPOSED, true);
    this.#setFlag(WANTED, false);
    this.#clearTimers('start', 'refresh', 'retry', 'expiry');
    this.#busy = undefined;
    this.#setFlag(STUCK, false);
    this.#rejectWaiters('STOPPED', 'registerer stopped');
    this.#pending?.pendingUnregister?.done.resolve({ sent: false });
    this.#setPending('pendingUnregister', undefined);
    // An un-REGISTER in flight (stop() gave up waiting for it): sent, outcome unknown.
    this.#pending?.currentUnregister?.resolve({ sent: true });
    this.#setPending('currentUnregister', undefined);
    this.#go('stopped', 'stopped');
    this.#setRare('listeners', undefined);
    this.#notifyIdle();
  }

  /** The transport (re)connected: profiles that do so REGISTER again when a binding is wanted. */
  onTransportConnected(): void {
    if (this.#_state === 'stopped') return;
    if (this.profile.rebuildContactOnReconnect) this.#contactText = undefined;
    if (this.#is(REREGISTER_ON_CONNECT)) {
      this.#setFlag(REREGISTER_ON_CONNECT, false);
      if (this.#is(WANTED)) this.#reregisterPaced('transport-disconnected');
      return;
    }
    if (this.profile.onConnected !== 'register' || !this.#is(WANTED)) return;
    if (this.#_state === 'rejected' && !this.profile.retryRejectedOnConnect) return;
    this.#reregisterPaced('transport-connected');
  }

  /** The transport went down: Asterisk re-REGISTERs at once (reliable transports), JsSIP and SIP.js 0.7 drop to unregistered. */
  onTransportDisconnected(): void {
    if (this.#_state === 'stopped') return;
    switch (this.profile.onDisconnected) {
      case 'reregister': {
        const t = this.#opts.sender.local.transport.toLowerCase();
        // Only connection-oriented transports have a shutdown to monitor. pjsip's REGISTER opens
        // a new connection; here it waits for the reconnect (sent now, it would only fail).
        if (this.#_state === 'registered' && t !== 'udp') this.#setFlag(REREGISTER_ON_CONNECT, true);
        break;
      }
      case 'drop':
        this.#clearTimers('refresh', 'expiry');
        if (this.#_state === 'registered') {
          this.#granted = undefined;
          this.#go('unregistered', 'transport-disconnected');
        }
        break;
      case 'ignore':
        break;
    }
  }

  /** The RFC 5626 flow failed: profiles that do so REGISTER again on a new flow. */
  onFlowFailed(): void {
    if (this.#_state === 'stopped' || this.profile.onFlowFailed !== 'reregister' || !this.#is(WANTED)) return;
    if (this.#_state === 'rejected') return;
    if (this.profile.rebuildContactOnReconnect) this.#contactText = undefined;
    this.#reregisterPaced('flow-failed');
  }

  // ---------------------------------------------------------------------------------------
  // Transitions (the one place the state changes)

  #go(
    state: RegistrationState,
    reason: StateChangeReason,
    extra: Omit<StateChange, 'state' | 'previous' | 'reason'> = {},
  ): void {
    const previous = this.#_state;
    if (previous !== state && !TRANSITIONS[previous].includes(state)) {
      throw new Error(`registerer: invalid transition ${previous} -> ${state}`);
    }
    this.#_state = state;
    const change: StateChange = { state, previous, reason, ...extra };
    this.#log('debug', 'state', { state, previous, reason, code: extra.code });
    const observer = this.#opts.observer;
    if (observer) this.#notify(() => observer.registrationChanged(change));
    const listeners = this.#rare?.listeners;
    if (listeners) for (const fn of listeners.slice()) this.#notify(() => fn(change));
  }

  #notify(call: () => void): void {
    try {
      call();
    } catch (e) {
      this.#log('warn', 'state listener threw', { error: String(e) });
    }
  }

  // ---------------------------------------------------------------------------------------
  // REGISTER

  /**
   * {@link #reregister} for a transport event, in this registerer's turn when the sender paces
   * them (a stack shared by many: one reconnect must not send all their REGISTERs at once). The
   * turn ends with the next settled state: registered, or a failure.
   */
  #reregisterPaced(reason: StateChangeReason): void {
    const sender = this.#opts.sender;
    if (!sender.admit) {
      this.#reregister(reason);
      return;
    }
    sender.admit(this, () => {
      if (this.#_state === 'stopped' || !this.#is(WANTED)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const off = this.on('state', (change) => {
          // Not yet settled: still registering, or the outcome of a request that was in flight
          // (the one for this turn goes out once that one is done).
          if (change.state === 'registering' || this.#pending?.reregisterWhenIdle !== undefined) return;
          off();
          resolve();
        });
        this.#reregister(reason);
      });
    });
  }

  #reregister(reason: StateChangeReason): void {
    if (this.#busy || this.#is(STUCK)) {
      this.#setPending('reregisterWhenIdle', reason);
      return;
    }
    this.#clearTimers('start', 'refresh', 'retry');
    this.#sendRegister(reason);
  }

  #sendRegister(reason: StateChangeReason): void {
    if (this.#busy || this.#is(STUCK) || this.#_state === 'stopped') return;
    this.#busy = 'register';
    this.#lastStart = Math.floor(this.#opts.clock.now());
    this.#clearTimers('start', 'refresh', 'retry');
    if (this.#_state !== 'registered' && this.#_state !== 'registering') this.#go('registering', reason);
    void this.#runRegister();
  }

  async #runRegister(): Promise<void> {
    const response = await this.#exchange('register', false, []);
    if (this.#is(DISPOSED)) return;
    this.#busy = undefined;
    const pending = this.#pending?.pendingUnregister;
    if (pending) {
      this.#setPending('pendingUnregister', undefined);
      this.#rejectWaiters('SUPERSEDED', 'unregister() superseded this registration', response);
      await this.#sendUnregister(pending.options, pending.done);
      return;
    }
    if (response.status >= 200 && response.status < 300) this.#accepted(response);
    else this.#failed(response);
    this.#afterIdle();
  }

  #accepted(res: SipResponse): void {
    const contacts = contactsOf(res);
    const wasRegistered = this.#_state === 'registered';
    if (contacts.length === 0 && this.profile.quirks.stuckAfterContactlessOk) {
      this.#setFlag(STUCK, true);
    }
    const grant = this.profile.grant({
      response: res,
      contacts,
      uri: this.#contactUriParsed(),
      user: this.#user,
      userIsRandom: this.#is(USER_IS_RANDOM),
      instance: this.#instance,
      regId: this.outbound ? this.#regId : undefined,
      pubGruu: this.#parsedGruu(this.#pubGruu),
      tempGruu: this.#parsedGruu(this.#gruuTemp),
      requested: this.#requested,
    });
    this.#clearTimers('refresh', 'retry', 'expiry');
    if (!grant) {
      this.#log('warn', '2xx does not list our binding', { contacts: contacts.length });
      if (this.profile.noBinding === 'unregister' || !wasRegistered) {
        this.#granted = undefined;
        this.#go('unregistered', 'no-binding', { code: res.status, response: res });
      } else {
        // The binding lives on at the registrar, but nothing will refresh it (JsSIP / SIP.js 0.7).
        this.#go('registered', 'no-binding', { code: res.status, response: res, expires: this.#granted });
      }
      this.#rejectWaiters('NO_BINDING', '2xx without our binding', res);
      return;
    }
    if (grant.binding) {
      const pub = grant.binding.pubGruu;
      const temp = grant.binding.tempGruu;
      // Copies: a value cut from the response would keep the whole message text alive.
      if (pub !== undefined) this.#keepPubGruu(pub);
      if (temp !== undefined) this.#gruuTemp = flat(temp);
    }
    this.#retries = 0;
    this.#granted = grant.expires;
    this.#arm('refresh', this.profile.refreshDelayMs(grant.expires, this.#opts.random));
    if (this.profile.localExpiry) this.#arm('expiry', grant.expires * 1000);
    const refreshAt = this.#actionAt;
    const result: RegistrationResult = {
      expires: grant.expires,
      refreshAt,
      binding: grant.binding,
      gruu: this.gruu,
      serviceRoute: rawValues(res, 'service-route'),
      path: rawValues(res, 'path'),
      outbound: requiresOutbound(res),
      response: res,
    };
    this.#go('registered', wasRegistered ? 'refreshed' : 'registered', {
      code: res.status,
      expires: grant.expires,
      nextAt: refreshAt,
      response: res,
    });
    for (const w of this.#takeWaiters('registerWaiters')) w.resolve(result);
  }

  #failed(res: SipResponse): void {
    const status = res.status;
    const ra = synthetic.has(res) ? undefined : retryAfter(res);
    const decision = this.profile.failure({
      status,
      retryAfter: ra,
      retries: this.#retries,
      authFailed: status === 401 || status === 407,
      authenticated: afterAuth.has(res),
      random: this.#opts.random,
    });
    const code = synthetic.has(res) ? 'TRANSPORT' : codeForStatus(status);
    this.#log('info', 'registration failed', { status, retries: this.#retries });
    const change: Omit<StateChange, 'state' | 'previous' | 'reason'> = { code: status, response: res };
    const cause = authFailures.get(res);
    const authError = cause instanceof AuthenticationError ? cause : undefined;
    if (authError) change.authError = authError;
    let state: RegistrationState = 'rejected';
    if (decision.retryMs !== undefined) {
      if (decision.counted) this.#retries++;
      this.#arm('retry', decision.retryMs);
      state = 'retry-wait';
      change.nextAt = this.#actionAt;
    } else {
      if (ra !== undefined && this.profile.exposesRetryAfter(status)) change.retryAfter = ra;
      if (this.profile.keepRegisteredOnFailure && this.#_state === 'registered') {
        // SIP.js 0.7: only `registrationFailed`; the binding is dropped by the local expiry timer.
        state = 'registered';
        change.expires = this.#granted;
      } else {
        this.#clearTimers('expiry');
        this.#granted = undefined;
      }
    }
    this.#go(state, 'failed', change);
    const why = authError ? `: ${authError.message}` : '';
    this.#rejectWaiters(code, `REGISTER failed with ${status}${why}`, res, change.nextAt, cause);
  }

  #expired(): void {
    if (this.#_state !== 'registered') return;
    this.#clearTimers('refresh');
    this.#granted = undefined;
    this.#go('unregistered', 'expired');
  }

  // ---------------------------------------------------------------------------------------
  // un-REGISTER

  /** `stopping`: sent by `stop()`, which ends `stopped` whatever the response. */
  async #sendUnregister(
    options: UnregisterOptions,
    done: Deferred<UnregisterResult>,
    stopping = false,
  ): Promise<void> {
    this.#busy = 'unregister';
    this.#setPending('currentUnregister', done);
    this.#clearTimers('start', 'refresh', 'retry');
    this.#go('unregistering', 'unregister');
    const response = await this.#exchange('unregister', options.all === true, options.extraHeaders ?? []);
    if (this.#is(DISPOSED)) return;
    this.#busy = undefined;
    this.#setPending('currentUnregister', undefined);
    this.#clearTimers('start', 'refresh', 'retry', 'expiry');
    this.#granted = undefined;
    // A stop() waiting for this request is Asterisk's pending destroy: no retry is scheduled.
    const stopWaits = stopping || this.#pending?.idleWaiters !== undefined;
    if (
      response.status >= 300 &&
      this.profile.onUnregisterFailure === 'retry-policy' &&
      !stopWaits &&
      !this.#pending?.queuedRegister
    ) {
      this.#setFlag(WANTED, true);
      done.resolve({ sent: true, response });
      this.#failed(response);
      this.#afterIdle();
      return;
    }
    this.#go('unregistered', 'unregistered', { code: response.status, response });
    done.resolve({ sent: true, response });
    if (this.#pending?.queuedRegister && this.#_state !== 'stopped') {
      this.#setPending('queuedRegister', undefined);
      this.#setFlag(WANTED, true);
      this.#retries = 0;
      this.#sendRegister('register');
      return;
    }
    this.#afterIdle();
  }

  // ---------------------------------------------------------------------------------------
  // One request and its auth / 423 resends

  async #exchange(
    kind: 'register' | 'unregister',
    star: boolean,
    callHeaders: ReadonlyArray<readonly [string, string]>,
  ): Promise<SipResponse> {
    const p = this.profile;
    let tag = this.#tagFor(kind);
    // Asterisk's 423-driven resend: `resend` for it, `auth-resend` for its answer to a challenge.
    let bare: BareStage = 'none';
    let attempts = 0;
    let staleUsed = false;
    let resends = 0;
    let auth: [string, string][] = NO_AUTH;
    // The `header realm` of every challenge answered for this request (RFC 3261 section 22.3:
    // a proxy's realm, then the registrar's).
    let answered: string[] = [];
    // A new request after a 439 or 423: no authenticated attempt counted yet, and only the
    // Authorization a profile carries forward.
    const afresh = () => {
      attempts = 0;
      staleUsed = false;
      answered = [];
      auth = p.reuseAuthorization ? (this.#rare?.lastAuth ?? NO_AUTH) : NO_AUTH;
    };
    afresh();
    let preemptive = false;
    let agreementResends = 0;
    const authenticator = this.#opts.authenticator;
    if (p.preemptiveAuthorization && !this.#is(PREEMPTIVE_REJECTED) && authenticator?.preauthorize) {
      const probe = this.#build(kind, star, callHeaders, tag, this.#cseq + 1, NO_AUTH, bare);
      if (authenticator.preauthorize(probe)) {
        auth = authLines(probe);
        preemptive = true;
      }
    }
    for (;;) {
      const cseq = ++this.#cseq;
      const request = this.#build(kind, star, callHeaders, tag, cseq, auth, bare);
      const response = await this.#send(request);
      if (this.#is(DISPOSED)) return response;
      const status = response.status;
      const agreement = this.#rare?.agreement;
      agreement?.observe(response);
      // mediasec: a 494 names the registrar's mechanisms; resend at once with Security-Verify (a
      // bound keeps a misbehaving registrar from looping us). Asterisk schedules a new REGISTER.
      if (
        status === 494 &&
        p.on494 !== 'retry-policy' &&
        agreement?.verified &&
        agreementResends < MAX_AGREEMENT_RESENDS
      ) {
        agreementResends++;
        continue;
      }
      if ((status === 401 || status === 407) && authenticator) {
        const realms = challengeRealms(response);
        // A Bearer challenge to a request that carried a token: the token expired or was revoked
        // (RFC 6750), the authority behind it stands. Like a stale nonce, a new token may follow.
        const stale = isStale(response) || (realms.bearer && carriesBearer(request));
        // The server does not take a reused nonce: stop offering one, answer the challenge. A
        // Bearer-only challenge refuses the token (expired), not preemptive use: a new one follows.
        if (preemptive && !stale && realms.digest) this.#setFlag(PREEMPTIVE_REJECTED, true);
        preemptive = false;
        const newRealm = realms.keys.length > 0 && realms.keys.every((k) => !answered.includes(k));
        if (!p.authRetryAllowed(attempts, staleUsed, stale, newRealm)) {
          // Our answer came back challenged, beyond what the profile tries again.
          if (attempts > 0) {
            afterAuth.add(response);
            authFailures.set(
              response,
              new AuthenticationError(
                'rejected-credentials',
                `the registrar refused the credentials${stale ? ' (stale, no attempt left)' : ''}`,
                challengeParam(response, 'realm'),
              ),
            );
          }
          return response;
        }
        // The authenticator adds its header to a copy with the next CSeq; the real request is
        // rebuilt with that header in the profile's slot.
        // pjsip answers the challenge to its bare resend through ORC, which adds its headers back.
        if (bare === 'resend') bare = 'auth-resend';
        const kindName = status === 401 ? 'authorization' : 'proxy-authorization';
        const base = auth.filter(([n]) => n.toLowerCase() !== kindName);
        const probe = this.#build(kind, star, callHeaders, tag, this.#cseq + 1, base, bare);
        let ok: boolean;
        try {
          // The request challenged goes along: a Bearer token it carried was refused.
          ok = await authenticator.authorize(response, probe, p.digest, request);
        } catch (e) {
          // An AuthenticationError says why, and holds no secret.
          this.#log('warn', 'challenge not answered', { error: String(e) });
          authFailures.set(response, e);
          ok = false;
        }
        if (this.#is(DISPOSED)) return response;
        if (!ok) return response;
        if (attempts > 0 && stale) staleUsed = true;
        attempts++;
        for (const k of realms.keys) if (!answered.includes(k)) answered.push(k);
        auth = authLines(probe);
        if (p.reuseAuthorization) this.#setRare('lastAuth', auth);
        continue;
      }
      // RFC 5626 section 4.2.1: the first hop keeps no flow, so register without outbound.
      if (
        status === 439 &&
        kind === 'register' &&
        this.outbound &&
        p.onFirstHopLacksOutbound === 'register-without-outbound'
      ) {
        this.#log('info', '439: the first hop lacks outbound support; registering without it');
        this.#setFlag(OUTBOUND_OFF, true);
        afresh();
        continue;
      }
      if (status === 423 && kind === 'register') {
        const next = p.intervalTooBrief(minExpires(response), this.#requested);
        if (next === undefined || resends >= MAX_INTERVAL_RESENDS) return response;
        this.#log('info', '423: new requested expiry', { expires: next });
        this.#requested = next;
        resends++;
        tag = this.#tagFor(kind);
        bare = p.quirks.bareIntervalResend === true ? 'resend' : 'none';
        afresh();
        continue;
      }
      if (attempts > 0) afterAuth.add(response);
      return response;
    }
  }

  async #send(request: SipRequest): Promise<SipResponse> {
    try {
      return await this.#opts.sender.send(request);
    } catch (e) {
      this.#log('warn', 'sender failed', { error: String(e) });
      const res = new SipResponse(503, 'Service Unavailable');
      synthetic.add(res);
      return res;
    }
  }

  /** One REGISTER or un-REGISTER, its header lines laid out as the profile says. */
  #build(
    kind: 'register' | 'unregister',
    star: boolean,
    callHeaders: ReadonlyArray<readonly [string, string]>,
    tag: string,
    cseq: number,
    auth: ReadonlyArray<readonly [string, string]>,
    bare: BareStage,
  ): SipRequest {
    const p = this.profile;
    const o = this.#opts;
    const register = kind === 'register';
    const optionHeaders = register || p.extraHeadersOnUnregister ? (o.extraHeaders ?? []) : [];
    let extra = [...optionHeaders, ...callHeaders];
    // Auth lines come from a request built with the extra headers, so they already hold an
    // extra Authorization line (a preemptive Bearer), or what replaced it: not twice.
    if (auth.length > 0) extra = extra.filter(([n]) => !isAuthLine(n));
    const aor = String(this.#aor);
    const fromUri = o.from?.uri?.toString() ?? aor;
    const toUri = o.to?.uri?.toString() ?? aor;
    const displayName = o.from?.displayName ?? o.displayName;
    const contactUri = this.#contactUriText();
    const expires = register ? this.#requested : 0;
    const supported = p.supported({
      path: o.path,
      gruu: o.gruu,
      outbound: this.#is(OUTBOUND_OFF) ? false : o.outbound,
      extra: o.extraSupported ?? [],
    });
    if (this.#rare?.agreement && bare !== 'resend') extra.push(...this.#rare.agreement.headers());
    // Where the expiry goes: header, Contact parameter or both, as the profile places it.
    const placement = register ? p.expiresIn : p.unregisterExpiresIn;
    const omit = register && p.omitExpiresWhenZero && expires === 0;
    const headerExpires = !omit && (star || placement !== 'contact');
    const params = entries(o.contact?.params);
    const contact = star
      ? `*${p.starCarriesParams ? paramText(params) : ''}`
      : p.contactHeader({
          uri: contactUri,
          instance: this.#instance,
          regId: this.outbound ? this.#regId : undefined,
          alwaysInstance: this.#rare?.alwaysInstance,
          params,
          expires: !omit && placement !== 'header' ? expires : undefined,
        });
    // The lines of every slot; the profile's layout picks and orders them. The transaction layer adds Via.
    const lines: Record<HeaderSlot, ReadonlyArray<Line>> = {
      route: (o.routeSet ?? []).map((r) => ['Route', r]),
      'max-forwards': [['Max-Forwards', p.maxForwards]],
      from: [['From', `${nameAddr(fromUri, displayName)};tag=${tag}`]],
      to: [['To', nameAddr(toUri, o.to?.displayName ?? (p.displayNameInTo ? displayName : undefined))]],
      'call-id': [['Call-ID', this.callId]],
      cseq: [['CSeq', `${cseq} REGISTER`]],
      authorization: auth,
      extra,
      contact: [['Contact', contact]],
      expires: optional('Expires', headerExpires ? expires : undefined),
      allow: optional('Allow', o.allow ?? p.allow),
      // Asterisk's 423 resend and its answer to a challenge go without Supported.
      supported: optional('Supported', bare === 'none' ? supported : undefined),
      'user-agent': optional(
        'User-Agent',
        bare === 'resend' ? (o.bareUserAgent ?? o.userAgent) : o.userAgent,
      ),
    };
    const headers = (register ? p.registerLayout : p.unregisterLayout).flatMap((slot) => lines[slot]);
    return createRequest({ method: 'REGISTER', uri: this.#registrar, headers });
  }

  #tagFor(kind: 'register' | 'unregister'): string {
    if (this.#opts.from?.tag !== undefined) return this.#opts.from.tag;
    if (this.#fixedTag !== undefined) return this.#fixedTag;
    const tag = this.profile.newTag(this.#opts.random);
    const trail = this.#opts.fromTagTrail;
    if (kind !== 'register' || trail === undefined) return tag;
    return tag + (typeof trail === 'function' ? trail() : trail);
  }

  #contactUriText(): string {
    if (this.#contactText === undefined) {
      const o = this.#opts;
      if (o.contact?.uri) {
        this.#contactText = o.contact.uri;
      } else {
        const local = o.sender.local;
        // `transport` goes where the profile writes its own, once (not appended a second time).
        const uriParams = entries(o.contact?.uriParams);
        const at = uriParams.findIndex(([name]) => name.toLowerCase() === 'transport');
        const transport = at < 0 ? undefined : (uriParams.splice(at, 1)[0]![1] ?? undefined);
        const line = this.#rare?.lineValue;
        if (line !== undefined) uriParams.push(['line', line]);
        this.#contactText = flat(
          this.profile.contactUri({
            user: this.#user,
            local: o.contact?.host ? { ...local, host: o.contact.host } : local,
            registrar: this.#registrar,
            transport,
            uriParams,
          }),
        );
      }
    }
    return this.#contactText;
  }

  /** The public GRUU learned from the last 2xx that had one. */
  get #pubGruu(): string | undefined {
    return this.#is(PUB_GRUU_DERIVED) ? this.#derivedPubGruu() : this.#gruuPub;
  }

  /** Keeps `pub` (cut from a response) as a flag when it reads as {@link derivedPubGruu}, else as a flat copy. */
  #keepPubGruu(pub: string): void {
    const derived = pub === this.#derivedPubGruu();
    this.#setFlag(PUB_GRUU_DERIVED, derived);
    // A copy: a value cut from the response would keep the whole message text alive.
    this.#gruuPub = derived ? undefined : flat(pub);
  }

  /** The public GRUU RFC 5627 suggests for our AOR and instance id, if we send one. */
  #derivedPubGruu(): string | undefined {
    const instance = this.#instance;
    if (instance === undefined) return undefined;
    return `${this.#aor};gr=urn:uuid:${instance}`;
  }

  #contactUriParsed(): SipUri {
    // Parsed when a 2xx is read rather than kept: an idle registerer holds only the text.
    return toSipUri(this.#contactUriText(), 'contact');
  }

  #parsedGruu(value: string | undefined): Uri | undefined {
    if (value === undefined) return undefined;
    try {
      return parseUri(value);
    } catch {
      return undefined;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Helpers

  #afterIdle(): void {
    this.#notifyIdle();
    const reason = this.#pending?.reregisterWhenIdle;
    this.#setPending('reregisterWhenIdle', undefined);
    if (reason !== undefined && this.#is(WANTED) && this.#_state !== 'stopped') {
      this.#reregister(reason);
    }
  }

  #notifyIdle(): void {
    for (const w of this.#takeWaiters('idleWaiters')) w();
  }

  #rejectWaiters(
    code: RegistrationErrorCode,
    message: string,
    response?: SipResponse,
    nextAt?: number,
    cause?: unknown,
  ): void {
    const authError = cause instanceof AuthenticationError ? cause : undefined;
    for (const w of this.#takeWaiters('registerWaiters'))
      w.reject(new RegistrationError(code, message, response, nextAt, authError, cause));
  }

  /** Arms `name` (replacing the action timer that ran, if `name` is one) for `ms` from now. */
  #arm(name: TimerName, ms: number): void {
    // NaN (the SIP.js 0.21 quirk) behaves as setTimeout does in browsers: at once.
    let delay = Number.isFinite(ms) ? Math.max(0, ms) : 0;
    const last = this.#lastStart;
    // The local expiry too: at the same time as the refresh it keeps its place behind it.
    if (last !== undefined && name !== 'start')
      delay = Math.max(delay, last + MIN_REGISTER_GAP_MS - this.#opts.clock.now());
    // Whole milliseconds: a field that only ever holds small integers needs no boxed number per registerer.
    const at = Math.ceil(this.#opts.clock.now() + delay);
    if (name === 'expiry') {
      this.#expiryAt = at;
    } else {
      this.#actionKind = name;
      this.#actionAt = at;
    }
    this.#schedule();
  }

  #clearTimers(...names: TimerName[]): void {
    for (const name of names) {
      if (name === 'expiry') this.#expiryAt = undefined;
      else if (this.#actionKind === name) {
        this.#actionKind = undefined;
        this.#actionAt = undefined;
      }
    }
    this.#schedule();
  }

  /** Keeps the one clock timer armed for the earliest of the action timer and the expiry. */
  #schedule(): void {
    const a = this.#actionAt;
    const e = this.#expiryAt;
    const at = a === undefined ? e : e === undefined ? a : Math.min(a, e);
    if (at === this.#timerAt && this.#timer !== undefined) return;
    const clock = this.#opts.clock;
    if (this.#timer !== undefined) clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = at;
    if (at === undefined) return;
    // A bound method rather than an arrow function: no closure context kept per armed timer.
    this.#timer = clock.setTimeout(this.#fire.bind(this), Math.max(0, at - clock.now()));
  }

  /** The clock timer fired: runs the timer it was armed for, then re-arms for the next. */
  #fire(): void {
    const at = this.#timerAt;
    this.#timer = undefined;
    this.#timerAt = undefined;
    if (at === undefined) return;
    const action = this.#actionAt !== undefined && this.#actionAt <= at;
    const expiry = this.#expiryAt !== undefined && this.#expiryAt <= at;
    // On a tie the one armed first goes first: the refresh is armed just before its expiry,
    // a retry or a delayed start after the expiry of the binding they follow.
    const runExpiry = expiry && !(action && this.#actionKind === 'refresh');
    if (runExpiry) {
      this.#expiryAt = undefined;
      this.#schedule();
      this.#expired();
      return;
    }
    const kind = this.#actionKind;
    if (!action || kind === undefined) {
      this.#schedule();
      return;
    }
    this.#actionKind = undefined;
    this.#actionAt = undefined;
    this.#schedule();
    // The application took the refresh over; the local expiry stays armed.
    if (kind === 'refresh' && this.#opts.observer?.refreshDue?.() === true) return;
    this.#sendRegister(kind === 'start' ? 'register' : kind === 'refresh' ? 'refreshed' : 'retry');
  }

  #log(level: 'debug' | 'info' | 'warn', message: string, data?: Record<string, unknown>): void {
    this.#opts.logger?.[level]?.(`registerer[${this.profile.name}]: ${message}`, data);
  }
}
