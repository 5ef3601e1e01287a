// Class bits of the fast paths' character table (fast-scan.ts), alone in a module that imports
// nothing: esbuild then writes each value where it is used instead of keeping a variable for it.

/** URI user part without escapes (unreserved and user-unreserved characters). */
export const USER = 1;
/** RFC 3261 `word` (Call-ID). */
export const WORD = 2;
/** URI `paramchar` without escapes. */
export const URI_PARAM = 4;
/** RFC 3261 `token`. */
export const TOKEN = 8;
/** An unquoted header parameter value: token, host or IPv6 reference characters. */
export const VALUE = 16;
/** Inside an IPv6 reference: hex digits, `:` and `.`. */
export const IPV6 = 32;
/** SP and HTAB. */
export const WS = 64;
/** ASCII digits. */
export const DIGIT = 128;
