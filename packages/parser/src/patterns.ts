/**
 * Regular-expression sources for the common shapes of header values. The fast paths test a
 * value against them (sticky, from a position in the header text) so that the engine's native
 * code checks every character, then read the fields out with a few index look-ups. Each pattern
 * accepts only text the string-level parser accepts and reads the same way; anything else fails
 * the test and goes to that parser.
 */

/** Optional SP / HTAB (header values are unfolded already). */
export const WS = '[ \\t]*';
/** RFC 3261 `token`. */
export const TOKEN = "[A-Za-z0-9\\-.!%*_+`'~]";
/** An unquoted header parameter value: token, host or IPv6 reference characters. */
const VALUE = "[A-Za-z0-9\\-.!%*_+`'~:\\[\\]]";
/** A quoted-string without quoted-pairs or control characters other than HTAB. */
export const QUOTED = '"[^"\\\\\\x00-\\x08\\x0a-\\x1f]*"';
/** A hostname or IPv4 address, or an IPv6 reference. */
export const HOST = '(?:[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\])';

/** One header parameter after its `;` and white space (`name [ = value ]`). */
const PARAM = `${TOKEN}+(?:${WS}=${WS}(?:${VALUE}+|${QUOTED}))?`;

/** `*( ";" generic-param )` with the white space the string parser allows, and trailing white space. */
export const HEADER_PARAMS = `(?:${WS};${WS}${PARAM})*${WS}`;

/** URI `paramchar` without escapes. */
const URI_PARAM = "[A-Za-z0-9\\-_.!~*'()\\[\\]/:&+$]";

/**
 * A `sip:` / `sips:` URI with a lower-case scheme and no password, escape or URI header. Groups:
 * the `s` of `sips`, user, host, port (its range is the caller's to check), and the parameters
 * with their leading `;` (possibly empty).
 */
export const SIP_URI = `sip(s)?:(?:([A-Za-z0-9\\-_.!~*'()&=+$,;?/]+)@)?(${HOST})(?::([0-9]{1,5}))?((?:;${URI_PARAM}+(?:=${URI_PARAM}*)?)*)`;

/**
 * `[ "display name" ] <sip-uri> *( ; param )`. Groups: the display name without its quotes,
 * the five of {@link SIP_URI}, and the header parameters with the white space after them.
 */
export const NAME_ADDR = `${WS}(?:"([^"\\\\\\x00-\\x08\\x0a-\\x1f]*)"${WS})?<${SIP_URI}>(${HEADER_PARAMS})`;

/** Case-insensitive spelling of a parameter name, ending where the token ends. */
function name(word: string): string {
  let out = '';
  for (const c of word) out += `[${c}${c.toUpperCase()}]`;
  return `${out}(?!${TOKEN})`;
}

/** Digits 0 to 255, and 0 to 65535, at most 3 and 5 of them. */
const UP_TO_255 = '(?:[0-9]{1,2}|[01][0-9]{2}|2[0-4][0-9]|25[0-5])(?![0-9])';
const UP_TO_65535 =
  '(?:[0-9]{1,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])(?![0-9])';

/**
 * Via parameters where every `ttl`, `rport` and `branch` passes parseVia's checks unquoted (it
 * checks the first of each), so a match needs no further look.
 */
const VIA_PARAM = `(?:${name('branch')}${WS}=${WS}(?:${VALUE}+|${QUOTED})|${name('rport')}(?:${WS}=${WS}${UP_TO_65535})?|${name('ttl')}${WS}=${WS}${UP_TO_255}|(?!${name('branch')}|${name('rport')}|${name('ttl')})${PARAM})`;

/**
 * One via-parm: `SIP/2.0/` exactly, transport, host, optional port right after it, parameters.
 * Groups: transport, host (after white space), host (an IPv6 reference right after the
 * transport), port, and the parameters with the white space after them.
 */
export const VIA = `${WS}SIP\\/2\\.0\\/(${TOKEN}+)(?:[ \\t]+(${HOST})|(\\[[0-9A-Fa-f:.]+\\]))(?::([0-9]{1,5}))?((?:${WS};${WS}${VIA_PARAM})*${WS})`;
