import type { SipUri } from '@sipkit/parser';
import type { Authenticator, Clock, Logger, RandomSource, RegisterSender } from './ports.js';
import type { ProfileName, RegistrationProfile } from './profile.js';
import type { StateChange } from './state.js';

/**
 * Gets every state change, like a `state` listener, without the registerer keeping a listener
 * list: what an owner of thousands of registerers (a user agent per registration) uses.
 */
export interface RegistererObserver {
  /** The state changed, or a refresh renewed `registered`. Called before `state` listeners. */
  registrationChanged(change: StateChange): void;
  /**
   * A refresh is due. Returning true takes it over: the registerer sends nothing and the
   * application calls `register()` before the binding expires (JsSIP's `registrationExpiring`
   * event: with a listener, JsSIP leaves the refresh to the application).
   */
  refreshDue?(): boolean;
}

/** What to put in our Contact. */
export interface ContactOptions {
  /** A complete Contact URI to use verbatim (JsSIP `contact_uri`); otherwise the profile builds one. */
  uri?: string;
  /** Contact user (JsSIP/SIP.js `contactName`, Asterisk `contact_user`); default per profile. */
  user?: string;
  /** Host to use instead of the sender's local host (SIP.js `hackIpInContact` string). */
  host?: string;
  /**
   * Extra Contact URI parameters, in order (`null` = flag, e.g. `{ ob: null }`). A `transport`
   * entry is not appended: it replaces the profile's transport token on a WebSocket (SIP.js
   * `transport=wss`); on other transports the Contact names the transport in use.
   */
  uriParams?: Record<string, string | null>;
  /** Extra Contact header parameters (JsSIP `setExtraContactParams`, SIP.js `extraContactHeaderParams`, Asterisk `contact_header_params`). */
  params?: Record<string, string | null>;
  /** Asterisk `line=yes`: `;line=<7 random a-z>` in the Contact URI. */
  line?: boolean;
  /**
   * SIP.js `instanceIdAlwaysAdded`: `;+sip.instance="<urn:uuid:...>"` right after the `>` of the
   * Contact, in the profiles that write it (`sipjs`). A string is the user agent's instance id
   * (with or without `urn:uuid:`); `true` takes the registration's RFC 5626 instance, or a new one.
   */
  instanceAlways?: string | true;
}

/** Options of a {@link Registerer}. */
export interface RegistererOptions {
  /** Address of record: To and From. */
  aor: string | SipUri;
  /** Request-URI; default per profile from the AOR (its host, without user). */
  registrar?: string | SipUri;
  /** Display name in From (and To for SIP.js 0.7). */
  displayName?: string;
  /** What goes into our Contact; the profile builds the rest. */
  contact?: ContactOptions;
  /** RFC 5626 instance id: a UUID, with or without `urn:uuid:`. */
  instanceId?: string;
  /** RFC 5626 reg-id. */
  regId?: number;
  /** Ask for outbound (reg-id, +sip.instance, `Supported: outbound`) where the profile lets you choose. */
  outbound?: boolean;
  /** Ask for GRUU (`Supported: gruu`) where the profile lets you choose. */
  gruu?: boolean;
  /** Ask for Path (`Supported: path`) where the profile lets you choose (Asterisk `support_path`). */
  path?: boolean;
  /** Extra option tags for `Supported`. */
  extraSupported?: string[];
  /** Requested expiry in seconds; default per profile. */
  expires?: number;
  /** Headers added to every REGISTER (and, per profile, un-REGISTER). */
  extraHeaders?: ReadonlyArray<readonly [string, string]>;
  /** Route header values, in order (preloaded route, Asterisk `outbound_proxy`). */
  routeSet?: string[];
  /** User-Agent header value; none when absent. */
  userAgent?: string;
  /**
   * User-Agent of the 423-driven resend for profiles that build it bare (Asterisk: the global
   * `user_agent`, where `userAgent` is the registration's override); default `userAgent`.
   */
  bareUserAgent?: string;
  /** Allow header value; default per profile. */
  allow?: string;
  /** Appended to the From tag of each REGISTER, not un-REGISTER (JsSIP `register_from_tag_trail`). */
  fromTagTrail?: string | (() => string);
  /** Call-ID to use instead of a random one. */
  callId?: string;
  /** From of every REGISTER other than the AOR's (SIP.js `RegistererOptions.params`). */
  from?: {
    /** From URI instead of the AOR (`fromUri`). */
    uri?: string | SipUri;
    /** From display name instead of `displayName` (`fromDisplayName`). */
    displayName?: string;
    /** A fixed From tag instead of the profile's (`fromTag`). */
    tag?: string;
  };
  /**
   * 3GPP mediasec security agreement (Asterisk `security_negotiation=mediasec`): the mechanisms
   * offered in `Security-Client` (`security_mechanisms`, e.g. `sdes-srtp;mediasec`).
   */
  securityAgreement?: {
    /** The `Security-Client` values in order, e.g. `sdes-srtp;mediasec` (q-values are dropped when sent). */
    mechanisms: readonly string[];
  };
  /** To of every REGISTER other than the AOR's (SIP.js `RegistererOptions.params`). */
  to?: {
    /** To URI instead of the AOR (`toUri`). */
    uri?: string | SipUri;
    /** To display name; otherwise the profile decides (`toDisplayName`). */
    displayName?: string;
  };
  /** A built-in profile name or a profile object; default `sipkit`. */
  profile?: ProfileName | RegistrationProfile;
  /** Clock of the refresh, retry and expiry timers. */
  clock: Clock;
  /** Random source for tags, Call-ID, CSeq, Contact user and jitter. */
  random: RandomSource;
  /** Sends each REGISTER and resolves with its final response. */
  sender: RegisterSender;
  /** Answers 401/407; without one a challenge is a failure. */
  authenticator?: Authenticator;
  /** Diagnostics; never receives credentials. */
  logger?: Logger;
  /** Told of every state change before the `state` listeners. */
  observer?: RegistererObserver;
}

/**
 * {@link RegistererOptions} with the profile as an object, as the `Registerer` of
 * `@sipkit/registerer/core` takes them: a bundle then holds only the profile it uses.
 */
export interface CoreRegistererOptions extends Omit<RegistererOptions, 'profile'> {
  /** The profile object; default `sipkitProfile`. */
  profile?: RegistrationProfile;
}

/** Options of {@link Registerer.unregister}. */
export interface UnregisterOptions {
  /** Remove every binding of the AOR (`Contact: *`, `Expires: 0`). */
  all?: boolean;
  /** Headers for this un-REGISTER only. */
  extraHeaders?: ReadonlyArray<readonly [string, string]>;
}
