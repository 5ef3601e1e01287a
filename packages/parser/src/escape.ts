import { strictUtf8, utf8Encoder } from './codecs.js';
import { SipParseError } from './errors.js';

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * Resolves `%XX` escapes (RFC 3261 `escaped`) and checks every other character against
 * `allowed`. Escaped octets are read as UTF-8; `%00` stays a NUL character, never an end.
 * An error names the part and the position, never the character: the part may be a password.
 */
export function unescapePart(text: string, allowed: Uint8Array, what: string, offset = 0): string {
  let hasEscape = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 37) {
      hasEscape = true;
      continue;
    }
    if (c < 128 && allowed[c] !== 1) {
      throw new SipParseError('BAD_URI', `character not allowed in ${what}`, offset + i);
    }
  }
  if (!hasEscape) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) !== 37) {
      out += text[i++];
      continue;
    }
    const bytes: number[] = [];
    while (i < text.length && text.charCodeAt(i) === 37) {
      const hi = hex(text.charCodeAt(i + 1));
      const lo = hex(text.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) throw new SipParseError('BAD_URI', `bad escape in ${what}`, offset + i);
      bytes.push(hi * 16 + lo);
      i += 3;
    }
    try {
      out += strictUtf8.decode(new Uint8Array(bytes));
    } catch {
      throw new SipParseError('BAD_URI', `escaped octets in ${what} are not UTF-8`, offset + i);
    }
  }
  return out;
}

/** Writes `text` with every character outside `allowed` (and `%`) escaped as UTF-8 `%XX`. */
export function escapePart(text: string, allowed: Uint8Array): string {
  let clean = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || c === 37 || allowed[c] !== 1) {
      clean = false;
      break;
    }
  }
  if (clean) return text;
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c < 128 && c !== 37 && allowed[c] === 1) out += ch;
    else
      for (const b of utf8Encoder.encode(ch)) out += `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  }
  return out;
}

/**
 * Builds a lookup table of allowed ASCII characters. 256 entries, so any byte indexes it (bytes
 * from 128 are in no set).
 */
export function charset(...groups: string[]): Uint8Array {
  const t = new Uint8Array(256);
  for (const g of groups) for (const c of g) t[c.charCodeAt(0)] = 1;
  return t;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const UNRESERVED = `${ALNUM}-_.!~*'()`;
/** RFC 3261 `user`: unreserved / escaped / user-unreserved. */
export const USER_CHARS = charset(UNRESERVED, '&=+$,;?/');
/** RFC 3261 `password`. */
export const PASSWORD_CHARS = charset(UNRESERVED, '&=+$,');
/** RFC 3261 `paramchar`. */
export const PARAM_CHARS = charset(UNRESERVED, '[]/:&+$');
/** RFC 3261 `hname` / `hvalue` characters. */
export const HEADER_CHARS = charset(UNRESERVED, '[]/?:+$');
/** RFC 3261 `token`. */
export const TOKEN_CHARS = charset(ALNUM, "-.!%*_+`'~");
/** RFC 3261 `word` (Call-ID). */
export const WORD_CHARS = charset(ALNUM, '-.!%*_+`\'~()<>:\\"/[]?{}');
/** Hostname and IPv4 address characters (an IPv6 reference is checked on its own). */
export const HOST_CHARS = charset(ALNUM, '-.');
