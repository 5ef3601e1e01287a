import type { RandomSource } from './clock.js';

/** A uniform number in [0, 1) from 53 random bits of `random` (what `Math.random()` gives, injected). */
export function randomUnit(random: RandomSource): number {
  const b = random(7);
  // 53 bits, the precision of a double: 21 from the first three bytes, 32 from the last four.
  const hi = ((b[0]! << 13) | (b[1]! << 5) | (b[2]! >>> 3)) & 0x1fffff;
  const lo = ((b[3]! << 24) >>> 0) + (b[4]! << 16) + (b[5]! << 8) + b[6]!;
  return (hi * 2 ** 32 + lo) / 2 ** 53;
}

/** A uniform integer in [0, n). */
export function randomBelow(random: RandomSource, n: number): number {
  return Math.floor(randomUnit(random) * n);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random lower-case token of `length` letters and digits (for invented `.invalid` host names). */
export function randomToken(random: RandomSource, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomBelow(random, ALPHABET.length)];
  return s;
}
