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
 * The extra `Supported:` option tags SIP.js sends: all of them with `hackAllowUnregisteredOptionTags`,
 * else only the registered ones, each once (SIP.js removes repeats).
 */
export function sipJsExtraSupported(tags: readonly string[], allowUnregistered: boolean): string[] {
  return [...new Set(allowUnregistered ? tags : tags.filter((t) => REGISTERED.has(t)))];
}
