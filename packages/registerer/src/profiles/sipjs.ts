import { RegistrationError } from '../errors.js';
import type { RegistrationProfile } from '../profile.js';
import { ALNUM, BASE32, token, uuid } from '../random.js';
import { headerExpires } from '../response-values.js';
import {
  jsNumber,
  optionTags,
  outboundParams,
  paramText,
  registrarKeepParams,
  sameUri,
  websocketStyleUri,
} from './common.js';

/** Options of the SIP.js 0.21 profile. */
export interface SipjsProfileOptions {
  /** Percentage of the granted expiry after which to refresh, 50..99 (SIP.js `refreshFrequency`, default 99). */
  refreshFrequency?: number;
}

/**
 * SIP.js 0.21 (`Registerer`): `;expires` on the Contact only, reg-id/+sip.instance only when
 * configured, From tag and Call-ID fixed, first CSeq 2, refresh at refreshFrequency % of E plus a
 * local expiry at E, no retry (Retry-After of 500/503 only exposed), the last Authorization
 * header re-sent on every later request, overlapping calls rejected (RequestPendingError).
 */
export function createSipjsProfile(options: SipjsProfileOptions = {}): RegistrationProfile {
  const frequency = options.refreshFrequency ?? 99;
  if (!(frequency >= 50 && frequency <= 99)) {
    throw new RegistrationError('INVALID_OPTIONS', `refreshFrequency ${frequency} is outside 50..99`);
  }
  return {
    name: 'sipjs',
    defaultExpires: 600,
    normalizeExpires(requested) {
      if (requested !== undefined && requested < 0) {
        throw new RegistrationError('INVALID_OPTIONS', `expires ${requested} is negative`);
      }
      // `options.expires || 600`: 0 becomes 600.
      return requested || 600;
    },
    defaultRegistrar: registrarKeepParams,
    registerLayout: [
      'route',
      'to',
      'from',
      'cseq',
      'call-id',
      'max-forwards',
      'authorization',
      'extra',
      'contact',
      'allow',
      'supported',
      'user-agent',
    ],
    // The un-REGISTER carries no Allow (SIP.js pushes only Contact / Expires).
    unregisterLayout: [
      'route',
      'to',
      'from',
      'cseq',
      'call-id',
      'max-forwards',
      'authorization',
      'extra',
      'contact',
      'expires',
      'supported',
      'user-agent',
    ],
    expiresIn: 'contact',
    unregisterExpiresIn: 'contact',
    omitExpiresWhenZero: false,
    maxForwards: 70,
    allow: 'ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER',
    extraHeadersOnUnregister: false,
    displayNameInTo: false,
    starCarriesParams: false,
    supported: (wish) => optionTags(['outbound', 'path', 'gruu'], wish.extra),
    contactHeader(parts) {
      const expires = parts.expires === undefined ? '' : `;expires=${parts.expires}`;
      const always =
        parts.alwaysInstance === undefined ? '' : `;+sip.instance="<urn:uuid:${parts.alwaysInstance}>"`;
      return `<${parts.uri}>${always}${outboundParams(parts)}${paramText(parts.params)}${expires}`;
    },
    fromTag: 'fixed',
    newTag: (random) => token(random, 10, BASE32),
    newCallId: (random) => token(random, 20, ALNUM),
    firstCSeq: () => 2,
    defaultContactUser: (random) => token(random, 8, BASE32),
    contactUri: websocketStyleUri,
    outbound(wish, random) {
      // regId > 0 without an instance takes the UA's; an instance without regId gets 1; both or nothing.
      let instance = wish.instanceId;
      let regId = wish.regId ?? 0;
      if (regId > 0 && !instance) instance = uuid(random);
      if (instance && regId === 0) regId = 1;
      return instance && regId > 0 ? { instance, regId } : {};
    },
    rebuildContactOnReconnect: false,
    grant(input) {
      let expires: number | undefined = headerExpires(input.response);
      // Scanned from the last Contact to the first.
      for (let i = input.contacts.length - 1; i >= 0; i--) {
        const c = input.contacts[i]!;
        const byGruu = sameUri(c.uri, input.pubGruu);
        const byName = input.userIsRandom
          ? c.uri.kind === 'sip' && c.uri.user === input.user
          : sameUri(c.uri, input.uri);
        if (byGruu || byName) {
          // Quirk reproduced: a matched Contact without `expires` gives Number(undefined) = NaN.
          expires = jsNumber(c.params.get('expires'));
          return { expires, binding: c };
        }
      }
      return undefined;
    },
    noBinding: 'unregister',
    refreshDelayMs: (e) => (frequency / 100) * e * 1000,
    localExpiry: true,
    intervalTooBrief: (min) => min,
    authRetryAllowed: (attempts, staleUsed, stale) => attempts === 0 || (!staleUsed && stale),
    digest: { algorithms: ['MD5'], qop: ['auth', 'auth-int'], challenges: 'first' },
    reuseAuthorization: true,
    failure: () => ({}),
    exposesRetryAfter: (status) => status === 500 || status === 503,
    keepRegisteredOnFailure: false,
    initialDelayMs: () => 0,
    // The Registerer itself ignores the transport; SessionManager builds a new one after a reconnect.
    onDisconnected: 'ignore',
    onConnected: 'ignore',
    retryRejectedOnConnect: false,
    onFlowFailed: 'ignore',
    whileBusy: 'reject',
    unregisterWhen: 'always',
    unregisterOnStop: true,
    quirks: { stuckAfterContactlessOk: true },
  };
}

/** SIP.js 0.21 with its defaults (refreshFrequency 99). */
export const sipjsProfile: RegistrationProfile = /*#__PURE__*/ createSipjsProfile();
