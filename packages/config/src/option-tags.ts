import { isToken } from '@sipkit/parser';
import type { OptionBag } from './option-bag.js';
import { OPTION_TAG } from './values.js';

/**
 * The SIP option tags IANA had registered when SIP.js wrote down its list (the same list in 0.7
 * and 0.21). SIP.js sends only these in `Supported:` unless `hackAllowUnregisteredOptionTags` is
 * set, so its adapters drop any other extra tag.
 */
const REGISTERED = new Set(
  (
    '100rel 199 answermode early-session eventlist explicitsub from-change geolocation-http ' +
    'geolocation-sip gin gruu histinfo ice join multiple-refer norefersub nosub outbound path ' +
    'policy precondition pref privacy recipient-list-invite recipient-list-message ' +
    'recipient-list-subscribe replaces resource-priority sdp-anat sec-agree tdialog timer uui'
  ).split(' '),
);

/**
 * The extra `Supported:` option tags SIP.js sends for option `key`, each once (SIP.js removes
 * repeats): with `hackAllowUnregisteredOptionTags` all of them, each of which must then be a token;
 * without it only the registered ones, so one that is no token is dropped as SIP.js drops it.
 */
export function sipJsExtraSupported(bag: OptionBag, key: string): string[] {
  const allowAny = bag.bool('hackAllowUnregisteredOptionTags') ?? false;
  const tags = allowAny
    ? bag.stringsWhere(key, isToken, OPTION_TAG)
    : bag.stringArray(key)?.filter((t) => REGISTERED.has(t));
  return [...new Set(tags)];
}
