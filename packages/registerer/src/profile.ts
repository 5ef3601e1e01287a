import type { NameAddr, SipResponse, SipUri, Uri } from '@sipkit/parser';
import type { DigestPolicy, LocalInfo, RandomSource } from './ports.js';

/** The built-in profiles. */
export type ProfileName = 'jssip' | 'sipjs' | 'sipjs-legacy' | 'asterisk' | 'sipkit';

/** One header position in a REGISTER layout. `extra` is the user's extra headers. */
export type HeaderSlot =
  | 'route'
  | 'max-forwards'
  | 'from'
  | 'to'
  | 'call-id'
  | 'cseq'
  | 'authorization'
  | 'extra'
  | 'contact'
  | 'expires'
  | 'allow'
  | 'supported'
  | 'user-agent';

/** Where the requested expiry is written. */
export type ExpiresPlacement = 'header' | 'contact' | 'both';

/** What goes into the Contact header value. */
export interface ContactParts {
  /** Our Contact URI, serialised. */
  uri: string;
  /** RFC 5626 instance id (a UUID, without `urn:uuid:`), when sent. */
  instance?: string;
  /** RFC 5626 reg-id, when sent. */
  regId?: number;
  /** The instance id SIP.js's `instanceIdAlwaysAdded` writes after the `>`, when asked for. */
  alwaysInstance?: string;
  /** Value of the `expires` Contact parameter; undefined = no parameter. */
  expires?: number;
  /** Extra Contact header parameters, in order (`null` value = flag). */
  params: ReadonlyArray<readonly [string, string | null]>;
}

/** Option tags the user asked for; each profile decides what its `Supported` header says. */
export interface SupportedWish {
  /** undefined = the profile's default. */
  path?: boolean;
  /** GRUU (RFC 5627); undefined = the profile's default. */
  gruu?: boolean;
  /** Outbound (RFC 5626); undefined = the profile's default. */
  outbound?: boolean;
  /** Extra option tags to list. */
  extra: readonly string[];
}

/** What the user asked for about RFC 5626 outbound. */
export interface OutboundWish {
  /** The configured instance id (a UUID, without `urn:uuid:`), if any. */
  instanceId?: string;
  /** The configured reg-id, if any. */
  regId?: number;
  /** Whether outbound was asked for; undefined = the profile's default. */
  outbound?: boolean;
}

/** What a profile needs to build our Contact URI. */
export interface ContactUriInput {
  /** Contact user part. */
  user: string;
  /** Where the request leaves from: host, port and transport for the Contact. */
  local: LocalInfo;
  /** The Request-URI (some profiles take the Contact's scheme from it). */
  registrar: Uri;
  /**
   * The `transport` URI parameter the options ask for (SIP.js `contactParams`, `hackWssInTransport`,
   * `contactTransport`). Profiles write it in place of their own token on a WebSocket, the one
   * transport the JavaScript stacks speak; elsewhere the Contact names the transport in use.
   */
  transport?: string;
  /** URI parameters to add (Asterisk `line`, user extras), in order; never `transport`. */
  uriParams: ReadonlyArray<readonly [string, string | null]>;
}

/** What a profile needs to find the granted expiry in a 2xx. */
export interface GrantInput {
  /** The 2xx. */
  response: SipResponse;
  /** The Contact values of the 2xx (the `*` form is dropped). */
  contacts: NameAddr[];
  /** Our Contact URI. */
  uri: SipUri;
  /** Our Contact user and whether we generated it randomly (SIP.js matches on the user only then). */
  user: string;
  /** True when the Contact user was drawn at random rather than configured. */
  userIsRandom: boolean;
  /** Our RFC 5626 instance id, when sent. */
  instance?: string;
  /** Our RFC 5626 reg-id, when sent. */
  regId?: number;
  /** Our current GRUUs (SIP.js 0.21 matches the public one). */
  pubGruu?: Uri;
  /** Our current temporary GRUU. */
  tempGruu?: Uri;
  /** The expiry we asked for (after any 423 adjustment). */
  requested: number;
}

/** The binding found in a 2xx and its expiry in seconds (NaN only for the SIP.js 0.21 quirk). */
export interface Grant {
  /** Granted expiry in seconds. */
  expires: number;
  /** Our binding as the 2xx lists it. */
  binding?: NameAddr;
}

/** A final failure, as the retry policy sees it. */
export interface FailureInput {
  /** The final status code. */
  status: number;
  /** Retry-After seconds of the response, when present. */
  retryAfter?: number;
  /** Retries counted since the last success or `register()`. */
  retries: number;
  /** True when the response is a 401/407 (unanswerable, or answered and rejected). */
  authFailed: boolean;
  /** True when the response answers a REGISTER that carried our credentials. */
  authenticated?: boolean;
  /** Random source for jittered retry delays. */
  random: RandomSource;
}

/** What to do after a failure: retry after `retryMs` (counting it or not), or stop trying. */
export type FailureDecision =
  | {
      /** Milliseconds until the retry. */
      retryMs: number;
      /** Whether the retry counts towards the profile's maximum. */
      counted: boolean;
    }
  | {
      /** No retry. */
      retryMs?: undefined;
    };

/**
 * Everything that makes one registration client differ from another, as data plus small policy
 * functions. The built-in profiles reproduce JsSIP 3.13, SIP.js 0.21, SIP.js 0.7 and Asterisk's
 * outbound registration; `sipkit` is the default. A custom profile can spread a built-in one and
 * replace single fields.
 */
export interface RegistrationProfile {
  /** Profile name, in log lines (`jssip`, `sipjs`, `sipjs-legacy`, `asterisk`, `sipkit`). */
  readonly name: string;
  /** Requested expiry when the options give none. */
  readonly defaultExpires: number;
  /** Validates and normalises the requested expiry; throws `RegistrationError('INVALID_OPTIONS')`. */
  normalizeExpires(requested: number | undefined): number;
  /** The Request-URI when the options give no registrar. */
  defaultRegistrar(aor: SipUri): SipUri;

  /** Header order of a REGISTER and of an un-REGISTER. */
  readonly registerLayout: readonly HeaderSlot[];
  /** Header order of an un-REGISTER. */
  readonly unregisterLayout: readonly HeaderSlot[];
  /** Where a REGISTER carries the requested expiry. */
  readonly expiresIn: ExpiresPlacement;
  /** Where an un-REGISTER carries its expiry of 0. */
  readonly unregisterExpiresIn: ExpiresPlacement;
  /** JsSIP: a requested expiry of 0 sends neither Expires nor `;expires`. */
  readonly omitExpiresWhenZero: boolean;
  /** Max-Forwards value. */
  readonly maxForwards: number;
  /** Default `Allow` value; undefined = no Allow header unless the options give one. */
  readonly allow?: string;
  /** Whether the options' extra headers also go on un-REGISTER. */
  readonly extraHeadersOnUnregister: boolean;
  /** Whether the display name goes into To as well as From. */
  readonly displayNameInTo: boolean;
  /** Whether `Contact: *` carries the extra Contact parameters (JsSIP). */
  readonly starCarriesParams: boolean;
  /** The `Supported` value for what the options asked; undefined = no header. */
  supported(wish: SupportedWish): string | undefined;
  /** The Contact header value (URI in angle brackets plus parameters). */
  contactHeader(parts: ContactParts): string;

  /** `per-request`: a new From tag on every new REGISTER (auth resends keep it); `fixed`: one per registerer. */
  readonly fromTag: 'per-request' | 'fixed';
  /** A new From tag. */
  newTag(random: RandomSource): string;
  /** A new Call-ID. */
  newCallId(random: RandomSource): string;
  /** CSeq of the first request. */
  firstCSeq(random: RandomSource): number;
  /** Contact user when the options give none. */
  defaultContactUser(random: RandomSource): string;
  /** Our Contact URI. */
  contactUri(input: ContactUriInput): string;
  /** Which RFC 5626 parameters go on the Contact. */
  outbound(
    wish: OutboundWish,
    random: RandomSource,
  ): {
    /** Instance id to send (a UUID without `urn:uuid:`), if any. */
    instance?: string;
    /** reg-id to send, if any. */
    regId?: number;
  };
  /** Whether the Contact URI is rebuilt from the sender's local address after a reconnect. */
  readonly rebuildContactOnReconnect: boolean;

  /** Finds our binding in a 2xx; undefined = the 2xx does not list it. */
  grant(input: GrantInput): Grant | undefined;
  /** A 2xx without our binding: `ignore` keeps the state and arms nothing; `unregister` drops to unregistered. */
  readonly noBinding: 'ignore' | 'unregister';
  /** Milliseconds from a 2xx to the refresh, for granted expiry `expires` seconds. */
  refreshDelayMs(expires: number, random: RandomSource): number;
  /** Whether a local timer at the granted expiry moves `registered` to `unregistered`. */
  readonly localExpiry: boolean;
  /** New requested expiry after a 423, or undefined to fail. */
  intervalTooBrief(minExpires: number | undefined, current: number): number | undefined;

  /**
   * Whether another authenticated attempt is allowed; `attempts` counts the ones already sent for
   * this request, `staleUsed` whether one answered a `stale=true` challenge, `stale` whether this
   * challenge says so, and `newRealm` whether every realm it names is one not answered yet for
   * this request (a registrar's 401 after the proxy's 407 was answered).
   */
  authRetryAllowed(attempts: number, staleUsed: boolean, stale: boolean, newRealm: boolean): boolean;
  /** Passed to the authenticator with every challenge. */
  readonly digest: DigestPolicy;
  /** SIP.js: the last Authorization header stays on every later REGISTER and un-REGISTER. */
  readonly reuseAuthorization: boolean;
  /**
   * Answer the last challenge again, with the next nonce count, on every later REGISTER (through
   * {@link Authenticator.preauthorize}), so a refresh is one request instead of two. A 401/407
   * that is not `stale` to such a request turns it off for that registerer. Default false.
   */
  readonly preemptiveAuthorization?: boolean;

  /** The retry policy. */
  failure(input: FailureInput): FailureDecision;
  /**
   * A 494 (Security Agreement Required) with a `securityAgreement`: `resend` the request at once
   * with Security-Verify (a few times at most; the default), or `retry-policy`: hand it to
   * {@link RegistrationProfile.failure} like any final response (Asterisk schedules a new
   * REGISTER).
   */
  readonly on494?: 'resend' | 'retry-policy';
  /** Statuses whose Retry-After is exposed on the state event (SIP.js 0.21: 500 and 503). */
  exposesRetryAfter(status: number): boolean;
  /** SIP.js 0.7: a failed refresh keeps `registered` until the local expiry. */
  readonly keepRegisteredOnFailure: boolean;
  /** Milliseconds from `register()` to the first REGISTER. */
  initialDelayMs(random: RandomSource): number;

  /** On transport loss: `reregister` at once while registered (Asterisk, reliable transports), `drop` to unregistered, or `ignore`. */
  readonly onDisconnected: 'reregister' | 'drop' | 'ignore';
  /** On transport (re)connect: REGISTER again when registration is wanted, or ignore. */
  readonly onConnected: 'register' | 'ignore';
  /** Whether a reconnect also revives a `rejected` registration. */
  readonly retryRejectedOnConnect: boolean;
  /** On an RFC 5626 flow failure: re-REGISTER, or ignore. */
  readonly onFlowFailed: 'reregister' | 'ignore';
  /**
   * Keep a flow the registrar confirmed as outbound (`Require: outbound` in the 2xx) alive even
   * when the config turns keep-alives off: RFC 5626 section 4.4.1, at the `Flow-Timer` or a
   * nominal 120 s (29 s over UDP). Default false: JsSIP, SIP.js and Asterisk send keep-alives only as configured.
   */
  readonly keepsOutboundFlowAlive?: boolean;
  /**
   * On a 439 (First Hop Lacks Outbound Support) to a REGISTER with a `reg-id`: register again at
   * once without outbound (RFC 5626 section 4.2.1 allows it), or fail like any other rejection.
   * Default `fail`.
   */
  readonly onFirstHopLacksOutbound?: 'register-without-outbound' | 'fail';
  /**
   * After a final non-2xx to an un-REGISTER that `unregister()` sent (never the one `stop()`
   * sends): `unregistered` (default), or `retry-policy`: the response goes through
   * {@link RegistrationProfile.failure} as a failed REGISTER would, so a scheduled retry
   * REGISTERs again (`retry-wait`) and no retry ends `rejected` (Asterisk: the outbound
   * registration's response handler treats both alike).
   */
  readonly onUnregisterFailure?: 'unregistered' | 'retry-policy';
  /** `register()`/`unregister()` while a request is in flight: join/queue it, or reject (SIP.js `RequestPendingError`). */
  readonly whileBusy: 'join' | 'reject';
  /** When `unregister()` sends anything. */
  readonly unregisterWhen: 'registered' | 'registered-or-all' | 'always';
  /** Whether `stop()` un-REGISTERs a registered binding. */
  readonly unregisterOnStop: boolean;
  /** Reproduced bugs; see the README table. */
  readonly quirks: {
    /** SIP.js 0.21: a 2xx without Contact leaves `waiting` set, so every later call is REQUEST_PENDING. */
    stuckAfterContactlessOk?: boolean;
    /**
     * Asterisk/pjsip: the 423-driven resend lacks `Supported`, the mediasec headers and the
     * User-Agent override (it carries `bareUserAgent`); its auth resend gets the last two back.
     */
    bareIntervalResend?: boolean;
  };
}
