/**
 * The registration behaviours sipkit can reproduce. Each names the system whose refresh formula,
 * header layout, From-tag and CSeq habits and retry policy the registerer copies.
 */
export type ProfileName = 'jssip' | 'sipjs' | 'sipjs-legacy' | 'asterisk' | 'sipkit';

/** JsSIP 3.13: refresh in `U[E/2, E-32)` (E > 64) or `E-5`, E floored at `minRegisterExpires`. */
export interface JsSipProfileParams {
  /** Profile tag that tells the {@link ProfileParams} variants apart. */
  profile: 'jssip';
  /** `register_expires` (default 600); 0 means no Expires of either kind is sent. */
  registerExpires: number;
  /** JsSIP's MIN_REGISTER_EXPIRES: the floor applied to granted expiries and Min-Expires. */
  minRegisterExpires: number;
}

/** SIP.js 0.21 `Registerer`: refresh at `refreshFrequency %` of the granted expiry. */
export interface SipJsProfileParams {
  /** Profile tag that tells the {@link ProfileParams} variants apart. */
  profile: 'sipjs';
  /** `RegistererOptions.expires` (default 600; 0 also becomes 600). */
  expires: number;
  /** `RegistererOptions.refreshFrequency`, 50..99 (default 99). */
  refreshFrequency: number;
}

/** SIP.js 0.7 `RegisterContext`: refresh at `E - refreshMargin` seconds, expiry timer at E. */
export interface SipJsLegacyProfileParams {
  /** Profile tag that tells the {@link ProfileParams} variants apart. */
  profile: 'sipjs-legacy';
  /** `registerExpires` (default 600, must be > 0). */
  registerExpires: number;
  /** Seconds before expiry at which the refresh is sent (3 in 0.7). */
  refreshMargin: number;
}

/** Asterisk `res_pjsip_outbound_registration`: the numeric knobs of its retry decision list. */
export interface AsteriskProfileParams {
  /** Profile tag that tells the {@link ProfileParams} variants apart. */
  profile: 'asterisk';
  /** `expiration` (default 3600), sent as the Expires header. */
  expiration: number;
  /** `retry_interval` (default 60); 0 disables temporal retries. */
  retryInterval: number;
  /** `forbidden_retry_interval` (default 0 = a 403 is permanent). */
  forbiddenRetryInterval: number;
  /** `fatal_retry_interval` (default 0 = other failures are permanent). */
  fatalRetryInterval: number;
  /** `max_retries` (default 10). */
  maxRetries: number;
  /** `auth_rejection_permanent` (default true). */
  authRejectionPermanent: boolean;
  /** `max_random_initial_delay` (default 10): the first REGISTER goes out after 1..max s. */
  maxRandomInitialDelay: number;
  /** Seconds before expiry at which the refresh is sent (REREGISTER_BUFFER_TIME, 10). */
  reregisterBuffer: number;
}

/** sipkit's own default behaviour. */
export interface SipkitProfileParams {
  /** Profile tag that tells the {@link ProfileParams} variants apart. */
  profile: 'sipkit';
  /** Requested expiry in seconds. */
  expires: number;
}

/** The profile plus the numeric parameters that came from (or default in) the source config. */
export type ProfileParams =
  | JsSipProfileParams
  | SipJsProfileParams
  | SipJsLegacyProfileParams
  | AsteriskProfileParams
  | SipkitProfileParams;

/** Each source system's defaults, used when the config leaves an option out. */
export const PROFILE_DEFAULTS: {
  /** JsSIP 3.13: `register_expires` 600 s, granted expiry floored at 10 s. */
  readonly jssip: Readonly<JsSipProfileParams>;
  /** SIP.js 0.21: `expires` 600 s, refresh at 99 %. */
  readonly sipjs: Readonly<SipJsProfileParams>;
  /** SIP.js 0.7: `registerExpires` 600 s, refresh 3 s before expiry. */
  readonly 'sipjs-legacy': Readonly<SipJsLegacyProfileParams>;
  /**
   * Asterisk: `expiration` 3600 s, `retry_interval` 60 s, `max_retries` 10, 403 and fatal failures
   * permanent, first REGISTER after up to 10 s, refresh 10 s before expiry.
   */
  readonly asterisk: Readonly<AsteriskProfileParams>;
  /** sipkit: requests 600 s. */
  readonly sipkit: Readonly<SipkitProfileParams>;
} = {
  jssip: { profile: 'jssip', registerExpires: 600, minRegisterExpires: 10 },
  sipjs: { profile: 'sipjs', expires: 600, refreshFrequency: 99 },
  'sipjs-legacy': { profile: 'sipjs-legacy', registerExpires: 600, refreshMargin: 3 },
  asterisk: {
    profile: 'asterisk',
    expiration: 3600,
    retryInterval: 60,
    forbiddenRetryInterval: 0,
    fatalRetryInterval: 0,
    maxRetries: 10,
    authRejectionPermanent: true,
    maxRandomInitialDelay: 10,
    reregisterBuffer: 10,
  },
  sipkit: { profile: 'sipkit', expires: 600 },
};
