import { utf8ToBytes as utf8 } from '@noble/hashes/utils.js';

/** attr-char of RFC 8187: the bytes an ext-value keeps unescaped. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/** Encodes a username as the RFC 8187 ext-value RFC 7616 section 3.4.4 sends in `username*`. */
export function encodeExtValue(value: string): string {
  let out = "UTF-8''";
  for (const byte of utf8(value)) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes a `UTF-8''...` ext-value; undefined when it is not one. */
export function decodeExtValue(value: string): string | undefined {
  const m = /^UTF-8'[^']*'(.*)$/i.exec(value);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

/** Whether a string is plain ASCII (no `username*` needed). */
export function isAscii(value: string): boolean {
  return /^[\x00-\x7f]*$/.test(value);
}
