import { RegistrationError } from '../errors.js';
import type { RegistrationProfile } from '../profile.js';
import { ALNUM, BASE32, token, uuid } from '../random.js';
import { optionTags, outboundParams, paramText, registrarKeepParams, websocketStyleUri } from './common.js';
import { sipjsProfile } from './sipjs.js';

/**
 * SIP.js 0.7 (`RegisterContext`): like SIP.js 0.21 on the wire but with reg-id=1/+sip.instance
 * always, first CSeq 81, refresh at E−3 s, expiry from the matched Contact only (the Expires
 * header is ignored when a Contact matches), and a failed refresh keeps `registered` until the
 * local expiry fires. A reconnect registers again.
 */
export const sipjsLegacyProfile: RegistrationProfile = {
  ...sipjsProfile,
  name: 'sipjs-legacy',
  normalizeExpires(requested) {
    const e = requested ?? 600;
    // `registerExpires` must be a decimal > 0.
    if (!(e > 0)) throw new RegistrationError('INVALID_OPTIONS', `expires ${e} must be > 0`);
    return e;
  },
  defaultRegistrar: registrarKeepParams,
  displayNameInTo: true,
  supported: (wish) => optionTags(['path', 'gruu', 'outbound'], wish.extra),
  contactHeader(parts) {
    const expires = parts.expires === undefined ? '' : `;expires=${parts.expires}`;
    return `<${parts.uri}>${outboundParams(parts)}${paramText(parts.params)}${expires}`;
  },
  newTag: (random) => token(random, 10, BASE32),
  newCallId: (random) => token(random, 22, ALNUM),
  firstCSeq: () => 81,
  contactUri: websocketStyleUri,
  outbound: (wish, random) => ({ instance: wish.instanceId ?? uuid(random), regId: 1 }),
  grant(input) {
    // Only the Contact user is compared, scanning from the last Contact.
    for (let i = input.contacts.length - 1; i >= 0; i--) {
      const c = input.contacts[i]!;
      if (c.uri.kind === 'sip' && c.uri.user === input.user) {
        const param = c.params.get('expires');
        // The header value is overwritten by the (possibly absent) param, then falls back to the configured value.
        return { expires: param != null ? Number(param) : input.requested, binding: c };
      }
    }
    return undefined;
  },
  noBinding: 'ignore',
  refreshDelayMs: (e) => e * 1000 - 3000,
  localExpiry: true,
  intervalTooBrief: (min) => min,
  failure: () => ({}),
  exposesRetryAfter: () => false,
  keepRegisteredOnFailure: true,
  onDisconnected: 'drop',
  onConnected: 'register',
  retryRejectedOnConnect: true,
  whileBusy: 'join',
  unregisterWhen: 'registered-or-all',
  quirks: {},
};
