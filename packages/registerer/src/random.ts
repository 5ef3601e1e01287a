import type { RandomSource } from './ports.js';

/** A float uniform in [0, 1) from four random bytes. */
export function uniform(random: RandomSource): number {
  const b = random(4);
  return (b[0]! * 2 ** 24 + b[1]! * 2 ** 16 + b[2]! * 2 ** 8 + b[3]!) / 2 ** 32;
}

/** An unsigned 32-bit integer from four random bytes (C `random()`-style use with `%`). */
export function uint32(random: RandomSource): number {
  return Math.floor(uniform(random) * 2 ** 32);
}

/** Base-32 lower case, the alphabet JsSIP and SIP.js draw tags and tokens from. */
export const BASE32 = '0123456789abcdefghijklmnopqrstuv';
/** Letters and digits. */
export const ALNUM = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Lower-case hexadecimal. */
export const HEX = '0123456789abcdef';
/** Lower-case letters (Asterisk's `line` value). */
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** `length` characters drawn from `alphabet` (one flat string: registerers keep them for life). */
export function token(random: RandomSource, length: number, alphabet = BASE32): string {
  const bytes = random(length);
  const chars: string[] = new Array(length);
  for (let i = 0; i < length; i++) chars[i] = alphabet[bytes[i]! % alphabet.length]!;
  return chars.join('');
}

/** A version 4 UUID (RFC 9562) in lower case. */
export function uuid(random: RandomSource): string {
  const b = random(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const parts: string[] = [];
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) parts.push('-');
    parts.push(b[i]!.toString(16).padStart(2, '0'));
  }
  return parts.join('');
}

/**
 * The same text as one flat string of its own. Text built by concatenation is a tree of pieces in
 * V8, and text cut from a longer string (a parsed header value) keeps that whole string alive; a
 * registerer keeps a few such strings for life, and flat copies take a fraction of the memory.
 */
export function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
