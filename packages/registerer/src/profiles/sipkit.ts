import { RegistrationError } from '../errors.js';
import type { FailureDecision, FailureInput, HeaderSlot, RegistrationProfile } from '../profile.js';
import { ALNUM, BASE32, token, uniform, uuid } from '../random.js';
import { headerExpires } from '../response-values.js';
import { hostText, optionTags, paramText, portText, registrarFromHost, sameUri } from './common.js';

/** Options of the sipkit profile. */
export interface SipkitProfileOptions {
  /** First retry delay in seconds before jitter (RFC 5626 section 4.5 base-time). Default 30. */
  retryBase?: number;
  /** Largest retry delay in seconds (RFC 5626 max-time). Default 1800. */
  retryMax?: number;
  /** Give up (`rejected`) after this many consecutive retries. Default: never. */
  maxRetries?: number;
  /** Seconds before expiry the refresh aims for (halved for short expiries). Default 40. */
  refreshLead?: number;
}

/** Failures worth retrying without a Retry-After: timeouts, transport errors, overload. */
const TEMPORAL = new Set([408, 480, 500, 502, 503, 504]);

/** Authenticated attempts per request at most when each answers a realm not answered before. */
const MAX_AUTH_ATTEMPTS = 4;

/** Header order of REGISTER and un-REGISTER alike. */
const LAYOUT: readonly HeaderSlot[] = [
  'route',
  'max-forwards',
  'from',
  'to',
  'call-id',
  'cseq',
  'authorization',
  'contact',
  'expires',
  'supported',
  'allow',
  'user-agent',
  'extra',
];

/**
 * The default profile: RFC 3261/5626/5627 behaviour taking the best of the four anchors.
 * Expires both as header and Contact parameter; reg-id/+sip.instance on by default; From tag,
 * Call-ID fixed (temp-GRUUs stay valid); refresh at max(E/2, E−40) s minus up to 5 % jitter with
 * a local expiry; pjsip's tolerant matching of the 2xx; temporal failures retried with the RFC
 * 5626 jittered exponential back-off, Retry-After honoured on any failure; permanent failures
 * (403, 404, a rejected credential, 6xx) stop; 423 accepted only with a larger Min-Expires; one
 * authenticated attempt plus one on stale=true, and one for each realm challenged after another
 * was answered (at most four); re-REGISTER on reconnect and on flow failure.
 */
export function createSipkitProfile(options: SipkitProfileOptions = {}): RegistrationProfile {
  const base = options.retryBase ?? 30;
  const max = options.retryMax ?? 1800;
  const maxRetries = options.maxRetries ?? Number.POSITIVE_INFINITY;
  const lead = options.refreshLead ?? 40;
  if (!(base > 0 && max >= base && maxRetries >= 0 && lead >= 0)) {
    throw new RegistrationError(
      'INVALID_OPTIONS',
      'sipkit profile: need retryBase > 0, retryMax >= retryBase',
    );
  }

  function failure(f: FailureInput): FailureDecision {
    if (f.retries >= maxRetries) return {};
    // A rejected credential will be rejected again: do not hammer the registrar.
    if (f.authFailed) return {};
    if (f.retryAfter !== undefined && f.retryAfter > 0)
      return { retryMs: f.retryAfter * 1000, counted: true };
    if (!TEMPORAL.has(f.status)) return {};
    // RFC 5626 section 4.5: min(max, base * 2^failures), then 50..100 % of it.
    const wait = Math.min(max, base * 2 ** f.retries);
    return { retryMs: Math.round(wait * (0.5 + 0.5 * uniform(f.random)) * 1000), counted: true };
  }

  return {
    name: 'sipkit',
    defaultExpires: 600,
    normalizeExpires(requested) {
      const e = requested ?? 600;
      if (!Number.isInteger(e) || e <= 0) {
        throw new RegistrationError('INVALID_OPTIONS', `expires ${e} must be a positive integer`);
      }
      return e;
    },
    defaultRegistrar: registrarFromHost,
    registerLayout: LAYOUT,
    unregisterLayout: LAYOUT,
    // Both, so registrars that read only one of them still see it.
    expiresIn: 'both',
    unregisterExpiresIn: 'both',
    omitExpiresWhenZero: false,
    maxForwards: 70,
    extraHeadersOnUnregister: true,
    displayNameInTo: false,
    starCarriesParams: false,
    supported(wish) {
      const tags: string[] = [];
      if (wish.path ?? true) tags.push('path');
      if (wish.gruu ?? true) tags.push('gruu');
      if (wish.outbound ?? true) tags.push('outbound');
      // These three follow the wishes (no `outbound` after a 439), even when listed as extras.
      const value = optionTags(
        tags,
        wish.extra.filter((t) => t !== 'path' && t !== 'gruu' && t !== 'outbound'),
      );
      return value === '' ? undefined : value;
    },
    contactHeader(parts) {
      const expires = parts.expires === undefined ? '' : `;expires=${parts.expires}`;
      // Without reg-id (after a 439) the instance stays: GRUU (RFC 5627) needs it.
      const regId = parts.regId === undefined ? '' : `;reg-id=${parts.regId}`;
      const ob = parts.instance === undefined ? '' : `${regId};+sip.instance="<urn:uuid:${parts.instance}>"`;
      return `<${parts.uri}>${ob}${paramText(parts.params)}${expires}`;
    },
    fromTag: 'fixed',
    newTag: (random) => token(random, 12, BASE32),
    newCallId: (random) => token(random, 22, ALNUM),
    firstCSeq: () => 1,
    defaultContactUser: (random) => token(random, 8, BASE32),
    contactUri(input) {
      const t = input.local.transport.toLowerCase();
      const sips = input.registrar.kind === 'sip' && input.registrar.scheme === 'sips';
      // RFC 7118: ws / wss, no port (the host is a placeholder the server cannot reach).
      const ws = t === 'ws' || t === 'wss';
      const port = ws ? '' : portText(input.local.port);
      const transport = t === 'udp' ? '' : `;transport=${(ws && input.transport) || t}`;
      return `${sips ? 'sips' : 'sip'}:${input.user}@${hostText(input.local.host)}${port}${transport}${paramText(input.uriParams)}`;
    },
    outbound(wish, random) {
      if (wish.outbound === false) return {};
      return { instance: wish.instanceId ?? uuid(random), regId: wish.regId ?? 1 };
    },
    rebuildContactOnReconnect: true,
    grant(input) {
      const header = headerExpires(input.response);
      const ours = (c: (typeof input.contacts)[number]) =>
        (input.instance !== undefined &&
          c.instance === `urn:uuid:${input.instance}` &&
          (input.regId === undefined || c.regId === input.regId)) ||
        sameUri(c.uri, input.uri) ||
        sameUri(c.uri, input.pubGruu) ||
        sameUri(c.uri, input.tempGruu);
      const matches = input.contacts.filter(ours);
      // None of ours: a registrar (or a NAT helper) rewrote our Contact; accept its only binding.
      const rewritten = input.contacts.length === 1 && input.contacts[0]!.expires !== undefined;
      const bindings = matches.length > 0 || !rewritten ? matches : input.contacts;
      const params = bindings.map((c) => c.expires).filter((e): e is number => e !== undefined);
      let expires = params.length > 0 ? Math.min(...params) : (header ?? input.requested);
      if (!(expires > 0)) expires = header !== undefined && header > 0 ? header : input.requested;
      return { expires, binding: bindings[0] };
    },
    noBinding: 'unregister',
    refreshDelayMs(e, random) {
      // Early enough for a challenged refresh that times out once; half-way for short expiries.
      const at = e > 2 * lead ? e - lead : e / 2;
      return Math.round(at * (1 - 0.05 * uniform(random)) * 1000);
    },
    localExpiry: true,
    intervalTooBrief: (min, current) => (min !== undefined && min > current ? min : undefined),
    // RFC 3261 section 22 forbids only retrying credentials just refused for a realm: a realm
    // not answered yet (the registrar's after the proxy's) gets its answer, within a small cap.
    authRetryAllowed: (attempts, staleUsed, stale, newRealm) =>
      attempts === 0 || (!staleUsed && stale) || (newRealm && attempts < MAX_AUTH_ATTEMPTS),
    digest: {
      // Strongest hash first, each with its -sess variant (RFC 7616, 8760).
      algorithms: ['SHA-512-256', 'SHA-512-256-sess', 'SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'],
      qop: ['auth', 'auth-int'],
      challenges: 'first-supported-per-realm',
    },
    reuseAuthorization: false,
    // Best of both: no challenge round trip per refresh (as SIP.js), but a fresh nonce count.
    preemptiveAuthorization: true,
    failure,
    exposesRetryAfter: () => false,
    keepRegisteredOnFailure: false,
    initialDelayMs: () => 0,
    onDisconnected: 'ignore',
    onConnected: 'register',
    retryRejectedOnConnect: false,
    onFlowFailed: 'reregister',
    keepsOutboundFlowAlive: true,
    onFirstHopLacksOutbound: 'register-without-outbound',
    whileBusy: 'join',
    unregisterWhen: 'always',
    unregisterOnStop: true,
    quirks: {},
  };
}

/** The sipkit profile with its defaults. */
export const sipkitProfile: RegistrationProfile = /*#__PURE__*/ createSipkitProfile();
