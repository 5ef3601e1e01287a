import { RegistrationError } from '../errors.js';
import type { RegistrationProfile } from '../profile.js';
import { ALNUM, BASE32, token, uniform, uuid } from '../random.js';
import { headerExpires } from '../response-values.js';
import { outboundParams, paramText, registrarFromHost, websocketStyleUri } from './common.js';

/** JsSIP floors every granted expiry at this many seconds (`MIN_REGISTER_EXPIRES`). */
const MIN_REGISTER_EXPIRES = 10;

/**
 * JsSIP 3.13 (`Registrator.js`): Expires header and `;expires` both, `+sip.ice;reg-id=1;
 * +sip.instance` always, a new From tag per REGISTER, CSeq from 1, refresh uniformly in
 * [E/2, E−32) s (E−5 s when E ≤ 64), no local expiry, no automatic retry (only a transport
 * reconnect registers again), 423 → max(Min-Expires, 10) resent at once.
 */
export const jssipProfile: RegistrationProfile = {
  name: 'jssip',
  defaultExpires: 600,
  normalizeExpires(requested) {
    const e = requested ?? 600;
    if (!Number.isFinite(e) || e < 0)
      throw new RegistrationError('INVALID_OPTIONS', `expires ${e} is not a decimal >= 0`);
    return e;
  },
  defaultRegistrar: registrarFromHost,
  // JsSIP writes its header object (Route, Via, Max-Forwards, To, From, Call-ID, CSeq, then
  // headers set later such as Authorization), then the extra headers, then Allow/Supported/User-Agent.
  registerLayout: [
    'route',
    'max-forwards',
    'to',
    'from',
    'call-id',
    'cseq',
    'authorization',
    'extra',
    'expires',
    'contact',
    'allow',
    'supported',
    'user-agent',
  ],
  unregisterLayout: [
    'route',
    'max-forwards',
    'to',
    'from',
    'call-id',
    'cseq',
    'authorization',
    'extra',
    'contact',
    'expires',
    'allow',
    'supported',
    'user-agent',
  ],
  expiresIn: 'both',
  unregisterExpiresIn: 'both',
  omitExpiresWhenZero: true,
  maxForwards: 69,
  allow: 'INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY,SUBSCRIBE',
  extraHeadersOnUnregister: true,
  displayNameInTo: false,
  starCarriesParams: true,
  supported: () => 'path,gruu,outbound',
  contactHeader(parts) {
    const expires = parts.expires === undefined ? '' : `;expires=${parts.expires}`;
    return `<${parts.uri}>;+sip.ice${outboundParams(parts)}${expires}${paramText(parts.params)}`;
  },
  fromTag: 'per-request',
  newTag: (random) => token(random, 10, BASE32),
  newCallId: (random) => token(random, 22, ALNUM),
  firstCSeq: () => 1,
  defaultContactUser: (random) => token(random, 8, BASE32),
  contactUri: websocketStyleUri,
  outbound: (wish, random) => ({ instance: wish.instanceId ?? uuid(random), regId: 1 }),
  rebuildContactOnReconnect: false,
  grant(input) {
    // First by instance and reg-id (the quoted form JsSIP compares), then by Contact user.
    const wanted = `<urn:uuid:${input.instance}>`;
    const match =
      input.contacts.find(
        (c) =>
          c.params.get('+sip.instance') === wanted && Number.parseInt(c.params.get('reg-id') ?? '', 10) === 1,
      ) ?? input.contacts.find((c) => c.uri.kind === 'sip' && c.uri.user === input.user);
    if (!match) return undefined;
    const param = match.params.get('expires');
    const header = headerExpires(input.response);
    // JsSIP tests the *string* for truthiness, so a written "0" counts as present.
    const raw = param != null ? Number(param) : header !== undefined ? header : input.requested;
    return { expires: Math.max(raw, MIN_REGISTER_EXPIRES), binding: match };
  },
  noBinding: 'ignore',
  refreshDelayMs(e, random) {
    if (e > 64) return (e * 1000) / 2 + Math.floor((e / 2 - 32) * 1000 * uniform(random));
    return e * 1000 - 5000;
  },
  localExpiry: false,
  intervalTooBrief: (min) => (min === undefined ? undefined : Math.max(min, MIN_REGISTER_EXPIRES)),
  authRetryAllowed: (attempts, staleUsed, stale) => attempts === 0 || (!staleUsed && stale),
  digest: { algorithms: ['MD5'], qop: ['auth-int', 'auth'], challenges: 'first' },
  reuseAuthorization: false,
  failure: () => ({}),
  exposesRetryAfter: () => false,
  keepRegisteredOnFailure: false,
  initialDelayMs: () => 0,
  onDisconnected: 'drop',
  onConnected: 'register',
  retryRejectedOnConnect: true,
  onFlowFailed: 'ignore',
  whileBusy: 'join',
  unregisterWhen: 'registered',
  unregisterOnStop: true,
  quirks: {},
};
