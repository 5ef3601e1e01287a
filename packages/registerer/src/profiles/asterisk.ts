import { SipUri } from '@sipkit/parser';
import { RegistrationError } from '../errors.js';
import type { FailureDecision, FailureInput, RegistrationProfile } from '../profile.js';
import { HEX, token, uint32, uuid } from '../random.js';
import { headerExpires } from '../response-values.js';
import { hostText, paramText, portText, sameUri } from './common.js';

/** Retry settings of an Asterisk `type=registration` section. */
export interface AsteriskProfileOptions {
  /** Seconds before retrying a temporal failure; 0 sends temporal codes down the fatal path. Default 60. */
  retryInterval?: number;
  /** Seconds before retrying a 403; 0 = permanent (unless fatalRetryInterval). Default 0. */
  forbiddenRetryInterval?: number;
  /** Seconds before retrying any other failure; 0 = permanent. Default 0. */
  fatalRetryInterval?: number;
  /** Cap of the retries counter. Default 10. */
  maxRetries?: number;
  /** A rejected or unanswerable 401/407 is permanent (fatal path) when true, temporal when false. Default true. */
  authRejectionPermanent?: boolean;
  /** The first REGISTER goes out 1 + random() % max seconds after `register()` (1 s when 0). Default 10. */
  maxRandomInitialDelay?: number;
  /** `support_path`: add `path` to Supported. Default false. */
  supportPath?: boolean;
  /** `support_outbound`: add `outbound` to Supported (and nothing else). Default false. */
  supportOutbound?: boolean;
  /** `supported_algorithms_uac`, most preferred first. Default `['MD5']`. */
  supportedAlgorithms?: string[];
}

/** Seconds pjsip adds nothing to: ORC refreshes REREGISTER_BUFFER_TIME before expiry. */
const REREGISTER_BUFFER_TIME = 10;
/** pjsip's fallback expiry. */
const PJSIP_DEFAULT_EXPIRES = 3600;

/** Temporal codes (`sip_outbound_registration_is_temporal`). */
function isTemporal(status: number, authRejectionPermanent: boolean): boolean {
  if (status === 408 || status === 500 || status === 502 || status === 503 || status === 504) return true;
  if (status >= 600) return true; // pjsua heritage: 6xx is retried
  return (status === 401 || status === 407) && !authRejectionPermanent;
}

/**
 * Asterisk's outbound registration (res_pjsip_outbound_registration on pjproject 2.17):
 * `Expires:` header only, Contact `<sip:USER@LOCALADDR:PORT[;transport=TYPE]>` with user `s` by
 * default, a new From tag per REGISTER, random first CSeq, refresh at max(0, E−10) s, the
 * decision list of ORC `handle_registration_response` for failures, one pjsip-driven 423
 * resend, one authenticated attempt per challenge, re-REGISTER at once when a reliable transport
 * drops, first REGISTER 1..max_random_initial_delay s after start.
 */
export function createAsteriskProfile(options: AsteriskProfileOptions = {}): RegistrationProfile {
  const retryInterval = options.retryInterval ?? 60;
  const forbiddenRetryInterval = options.forbiddenRetryInterval ?? 0;
  const fatalRetryInterval = options.fatalRetryInterval ?? 0;
  const maxRetries = options.maxRetries ?? 10;
  const authRejectionPermanent = options.authRejectionPermanent ?? true;
  const maxDelay = options.maxRandomInitialDelay ?? 10;
  for (const [k, v] of Object.entries({
    retryInterval,
    forbiddenRetryInterval,
    fatalRetryInterval,
    maxRetries,
    maxDelay,
  })) {
    if (!Number.isInteger(v) || v < 0)
      throw new RegistrationError('INVALID_OPTIONS', `${k} ${v} is not an unsigned integer`);
  }

  function failure(f: FailureInput): FailureDecision {
    // Step 2: a 494 that does not answer our authenticated REGISTER: a new REGISTER at 0 s,
    // counted but never capped (the registerer's MIN_REGISTER_GAP_MS spaces them).
    if (f.status === 494 && !f.authenticated) return { retryMs: 0, counted: true };
    // Step 6: Retry-After on any non-2xx wins, unbounded and uncounted.
    if (f.retryAfter !== undefined && f.retryAfter > 0)
      return { retryMs: f.retryAfter * 1000, counted: false };
    // Step 7: temporal codes with retry_interval.
    if (retryInterval !== 0 && isTemporal(f.status, authRejectionPermanent)) {
      if (f.retries >= maxRetries) return {};
      return { retryMs: retryInterval * 1000, counted: true };
    }
    // Step 8a / 8b / 8c.
    if (f.status === 403 && forbiddenRetryInterval !== 0 && f.retries < maxRetries) {
      return { retryMs: forbiddenRetryInterval * 1000, counted: true };
    }
    if (fatalRetryInterval !== 0 && f.retries < maxRetries)
      return { retryMs: fatalRetryInterval * 1000, counted: true };
    return {};
  }

  return {
    name: 'asterisk',
    defaultExpires: 3600,
    normalizeExpires(requested) {
      const e = requested ?? 3600;
      // expiration=0 makes pjsip_regc_init assert-fail: the object is not applied.
      if (!Number.isInteger(e) || e <= 0)
        throw new RegistrationError('INVALID_OPTIONS', `expiration ${e} must be > 0`);
      return e;
    },
    defaultRegistrar: (aor) => new SipUri(aor.scheme, aor.host, undefined, aor.port),
    // pjsip: From, To, Call-ID, CSeq, Contact, Expires, Allow, Max-Forwards; ORC adds Supported,
    // the User-Agent comes last, and the auth module appends Authorization to the clone.
    registerLayout: [
      'route',
      'from',
      'to',
      'call-id',
      'cseq',
      'contact',
      'expires',
      'allow',
      'max-forwards',
      'supported',
      'extra',
      'user-agent',
      'authorization',
    ],
    unregisterLayout: [
      'route',
      'from',
      'to',
      'call-id',
      'cseq',
      'contact',
      'expires',
      'allow',
      'max-forwards',
      'supported',
      'extra',
      'user-agent',
      'authorization',
    ],
    expiresIn: 'header',
    unregisterExpiresIn: 'header',
    omitExpiresWhenZero: false,
    maxForwards: 70,
    allow:
      'OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, INFO, MESSAGE, REFER',
    extraHeadersOnUnregister: true,
    displayNameInTo: false,
    starCarriesParams: false,
    supported(wish) {
      const tags: string[] = [];
      if (options.supportPath ?? wish.path ?? false) tags.push('path');
      if (options.supportOutbound ?? wish.outbound ?? false) tags.push('outbound');
      return tags.length > 0 ? tags.join(', ') : undefined;
    },
    contactHeader: (parts) => `<${parts.uri}>${paramText(parts.params)}`,
    fromTag: 'per-request',
    newTag: (random) => token(random, 32, HEX),
    newCallId: (random) => uuid(random),
    // pjsip starts at random 0..65534 and increments before every send.
    firstCSeq: (random) => (uint32(random) % 65535) + 1,
    defaultContactUser: () => 's',
    contactUri(input) {
      // The Contact's transport comes from the server URI, not from the transport section.
      const reg = input.registrar;
      const sips = reg.kind === 'sip' && reg.scheme === 'sips';
      const param = reg.kind === 'sip' ? reg.transport : undefined;
      const type = sips ? 'TLS' : param ? param.toUpperCase() : 'UDP';
      const local = input.local.transport.toLowerCase();
      const secure = local === 'tls' || local === 'wss';
      const scheme = sips && secure ? 'sips' : 'sip';
      const transport = type === 'UDP' ? '' : `;transport=${type}`;
      return `${scheme}:${input.user}@${hostText(input.local.host)}${portText(input.local.port)}${transport}${paramText(input.uriParams)}`;
    },
    // Asterisk has no RFC 5626 client logic: never reg-id or +sip.instance.
    outbound: () => ({}),
    rebuildContactOnReconnect: false,
    grant(input) {
      // pjsip calculate_response_expiration with check_contact=1.
      const header = headerExpires(input.response);
      const requestedOr3600 = input.requested || PJSIP_DEFAULT_EXPIRES;
      const matches = input.contacts.filter((c) => sameUri(c.uri, input.uri));
      let expires: number;
      let binding = matches[0];
      if (matches.length > 0) {
        const params = matches.map((c) => c.expires).filter((e): e is number => e !== undefined);
        expires = params.length > 0 ? Math.min(...params) : (header ?? requestedOr3600);
      } else if (input.contacts.length === 1 && input.contacts[0]!.expires !== undefined) {
        binding = input.contacts[0];
        expires = input.contacts[0]!.expires!;
      } else {
        expires = header ?? requestedOr3600;
      }
      // PJSIP_REGISTER_ALLOW_EXP_REFRESH: a 0 on a registering transaction keeps refreshing.
      if (expires === 0) expires = header !== undefined && header > 0 ? header : requestedOr3600;
      return { expires, binding };
    },
    noBinding: 'ignore',
    refreshDelayMs: (e) => Math.max(0, e - REREGISTER_BUFFER_TIME) * 1000,
    localExpiry: false,
    intervalTooBrief(min, current) {
      // pjsip: Min-Expires, or 3601 when missing (unless we already asked 3601); give up when not larger.
      const target = min ?? (current !== 3601 ? 3601 : undefined);
      return target !== undefined && current < target ? target : undefined;
    },
    // Exactly one authenticated REGISTER; a second challenge (stale or not) is a rejection.
    authRetryAllowed: (attempts) => attempts === 0,
    digest: {
      algorithms: options.supportedAlgorithms ?? ['MD5'],
      qop: ['auth'],
      challenges: 'first-supported-per-realm',
    },
    reuseAuthorization: false,
    failure,
    on494: 'retry-policy',
    exposesRetryAfter: () => false,
    keepRegisteredOnFailure: false,
    initialDelayMs: (random) => ((maxDelay > 0 ? uint32(random) % maxDelay : 0) + 1) * 1000,
    onDisconnected: 'reregister',
    onConnected: 'ignore',
    retryRejectedOnConnect: false,
    onFlowFailed: 'ignore',
    // `pjsip send unregister` answered with a failure: ORC's response handler schedules as for
    // a REGISTER, and its timer sends a REGISTER.
    onUnregisterFailure: 'retry-policy',
    whileBusy: 'join',
    unregisterWhen: 'always',
    unregisterOnStop: true,
    quirks: { bareIntervalResend: true },
  };
}

/** Asterisk with the defaults of `type=registration`. */
export const asteriskProfile: RegistrationProfile = /*#__PURE__*/ createAsteriskProfile();
