/**
 * Character classes and scanners for the fast paths of typed access (SIP URIs, name-addrs, Via).
 * A fast path takes only the common shapes, text the string-level parser accepts and reads the
 * same way, and gives -1 (or undefined) for anything else so that parser decides, errors
 * included.
 *
 * The scanners read bytes `b` that stand for the text `t` at the same offsets: the message bytes
 * of an ASCII header section, or {@link bytesOf} the text. Reading bytes costs well under half
 * of `charCodeAt` and less than a regular expression whose captures become strings.
 */

import { DIGIT, IPV6, TOKEN, URI_PARAM, USER, VALUE, WORD, WS } from './char-classes.js';
import { utf8Encoder } from './codecs.js';
import { PARAM_CHARS, TOKEN_CHARS, USER_CHARS, WORD_CHARS } from './escape.js';
import { hostEnd, hostWasIPv4 } from './host.js';

export { DIGIT, IPV6, TOKEN, URI_PARAM, USER, WORD, WS };

/** Class bits by byte, from the character sets the string-level parsers check against. */
const CLASS = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  CLASS[c] =
    USER_CHARS[c]! * USER +
    WORD_CHARS[c]! * WORD +
    PARAM_CHARS[c]! * URI_PARAM +
    TOKEN_CHARS[c]! * (TOKEN | VALUE);
}
// Hostnames are tokens; a value can also be an IPv6 reference.
for (const c of ':[]') CLASS[c.charCodeAt(0)]! |= VALUE;
for (const c of '0123456789ABCDEFabcdef:.') CLASS[c.charCodeAt(0)]! |= IPV6;
for (const c of ' \t') CLASS[c.charCodeAt(0)] = WS;
for (let c = 48; c < 58; c++) CLASS[c]! |= DIGIT;

let scratch = new Uint8Array(1024);

/**
 * Bytes standing for `t` from `start` to `end` at the same offsets (a code unit from 128 becomes
 * 128, which is in no class), in a buffer reused by the next call.
 */
export function bytesOf(t: string, start: number, end: number): Uint8Array {
  if (end > scratch.length) scratch = new Uint8Array(end + 1024);
  // A whole ASCII text is its UTF-8 encoding, which the encoder writes faster than a loop. Any
  // other code unit takes more than one byte, so all read and one byte each means ASCII (a
  // written count alone could match a longer encoding cut off at the end of the buffer).
  if (start === 0 && end === t.length) {
    const { read, written } = utf8Encoder.encodeInto(t, scratch);
    if (read === end && written === end) return scratch;
  }
  for (let i = start; i < end; i++) scratch[i] = Math.min(t.charCodeAt(i), 128);
  return scratch;
}

/** Where the run of `cls` characters from `p` in `b` ends, at `end` at the latest. */
export function runEnd(b: Uint8Array, p: number, end: number, cls: number): number {
  while (p < end && (CLASS[b[p]!]! & cls) !== 0) p++;
  return p;
}

/**
 * The closing quote of a quoted-string whose content starts at `p`, when the content holds no
 * quoted-pair and no control character but HTAB (what the fast paths take); -1 otherwise.
 */
export function quotedEnd(b: Uint8Array, p: number, end: number): number {
  for (; p < end; p++) {
    const c = b[p]!;
    if (c === 34) return p;
    if (c === 92 || (c < 32 && c !== 9)) return -1;
  }
  return -1;
}

/** The value of the 1 to `max` digits from `p` to `q`, or -1 when there are none or too many. */
export function digitsAt(b: Uint8Array, p: number, q: number, max: number): number {
  if (q === p || q - p > max) return -1;
  let n = 0;
  for (; p < q; p++) n = n * 10 + b[p]! - 48;
  return n;
}

/** True when `b` from `p` holds `word` exactly. */
export function bytesAre(b: Uint8Array, p: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (b[p + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** True when `b` from `p` to `q` is `lower` in any letter case (`lower` is lower-case letters). */
export function named(b: Uint8Array, p: number, q: number, lower: string): boolean {
  if (q - p !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((b[p + i]! | 32) !== lower.charCodeAt(i)) return false;
  return true;
}

/**
 * `*( ";" generic-param )` from `p` with the white space the string parser allows around `;`
 * and `=`, and the white space after it: values are tokens, hosts, IPv6 references or
 * quoted-strings without quoted-pairs. Returns where it stopped (for the caller to check: the
 * end of the value, or a comma in a list), or -1 for a parameter the string parser must read.
 *
 * `via`: also every `branch` must be a token, every `rport` value and every `ttl` (which needs
 * one) 1 to 5 digits up to 65535 and 1 to 3 digits up to 255, every `received` an IPv4address
 * and every `maddr` a hostname or IPv4address (IPv6 ones go to the string parser), so that
 * parseVia's checks cannot fail. Otherwise every `tag` must be a token, so that From and To's
 * check cannot fail (a name-addr of another header with another tag goes to its string parser,
 * which takes it): one scan for all name-addrs, no From / To variant of it.
 *
 * Also notes where the first parameter's value ends when it is unquoted ({@link firstValueEnd}),
 * so that looking it up (a tag, a branch) needs no second scan.
 */
export function paramsEnd(b: Uint8Array, p: number, end: number, via: boolean): number {
  firstValueEnd = -1;
  for (let first = true; ; first = false) {
    p = runEnd(b, p, end, WS);
    if (p >= end || b[p] !== 59) {
      paramsStop = p;
      return p;
    }
    const name = runEnd(b, p + 1, end, WS);
    const nameEnd = runEnd(b, name, end, TOKEN);
    if (nameEnd === name) return -1;
    // 1 a token (Via branch, From / To tag), 2 rport, 3 ttl, 4 received, 5 maddr, 0 any other.
    // The length picks the one name to compare with.
    const len = nameEnd - name;
    let kind = 0;
    if (!via) kind = len === 3 && named(b, name, nameEnd, 'tag') ? 1 : 0;
    else {
      if (len === 6) kind = named(b, name, nameEnd, 'branch') ? 1 : 0;
      else if (len === 5)
        kind = named(b, name, nameEnd, 'rport') ? 2 : named(b, name, nameEnd, 'maddr') ? 5 : 0;
      else if (len === 3) kind = named(b, name, nameEnd, 'ttl') ? 3 : 0;
      else if (len === 8) kind = named(b, name, nameEnd, 'received') ? 4 : 0;
    }
    const eq = runEnd(b, nameEnd, end, WS);
    if (eq >= end || b[eq] !== 61) {
      if (kind === 1 || kind >= 3) return -1;
      p = nameEnd;
      continue;
    }
    const value = runEnd(b, eq + 1, end, WS);
    if (kind === 2 || kind === 3) {
      p = runEnd(b, value, end, DIGIT);
      const n = digitsAt(b, value, p, kind === 2 ? 5 : 3);
      if (n < 0 || n > (kind === 2 ? 65535 : 255)) return -1;
    } else if (kind >= 4) {
      p = hostEnd(b, value, end);
      if (p < 0 || (kind === 4 && !hostWasIPv4)) return -1;
    } else if (value < end && b[value] === 34) {
      if (kind === 1) return -1;
      p = quotedEnd(b, value + 1, end);
      if (p < 0) return -1;
      p++;
    } else {
      p = runEnd(b, value, end, kind === 1 ? TOKEN : VALUE);
      if (p === value) return -1;
    }
    if (first && b[value] !== 34) firstValueEnd = p;
  }
}

/** Where the unquoted value of the first parameter the last {@link paramsEnd} took ends, or -1. */
export let firstValueEnd = -1;

/** Where the last {@link paramsEnd} that took its parameters stopped (a number: no write barrier). */
let paramsStop = 0;

/**
 * A fast path for one list element from `p` in `t` (up to `end`), read from `b`, that ends with
 * the element's parameters as {@link paramsEnd} takes them; undefined for anything else.
 * `message`: as for {@link elementsAt}.
 */
export type ElementAt<T> = (
  b: Uint8Array,
  t: string,
  p: number,
  end: number,
  message: Uint8Array | undefined,
) => T | undefined;

/**
 * `read` over the value `t.slice(start, end)`, a comma-separated list (`list`) or a single
 * element: every element in a new list, or undefined when the fast path does not take them all
 * (the string-level parser then decides). `message`: the message bytes `t` is the ASCII decoding
 * of, when it is; the elements keep them to look parameters up in.
 */
export function elementsAt<T>(
  read: ElementAt<T>,
  t: string,
  start: number,
  end: number,
  list: boolean,
  message?: Uint8Array,
): T[] | undefined {
  const b = message ?? bytesOf(t, start, end);
  let made = read(b, t, start, end, message);
  if (made === undefined) return undefined;
  let stop = paramsStop;
  // One element is the usual value: a list made with it costs less than one grown to hold it.
  if (stop === end) return [made];
  if (!list || b[stop] !== 44) return undefined;
  const out = [made];
  for (;;) {
    made = read(b, t, stop + 1, end, message);
    if (made === undefined) return undefined;
    out.push(made);
    stop = paramsStop;
    if (stop === end) return out;
    if (b[stop] !== 44) return undefined;
  }
}
