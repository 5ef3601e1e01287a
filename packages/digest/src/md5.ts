import { pad, wordBytes } from './bytes.js';

/** Per-step left rotations (RFC 1321 section 3.4): four per round, repeated. */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

let table: Int32Array | undefined;

/**
 * MD5 (RFC 1321) of bytes, 16 bytes out. Still the default digest algorithm of SIP (RFC 2617), and
 * Web Crypto has none.
 */
export function md5(data: Uint8Array): Uint8Array {
  // T[i] = floor(2^32 * |sin(i + 1)|), as RFC 1321 section 3.4 defines the table: computed, not stored.
  table ??= Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32));
  const t = table;
  const view = pad(data, 64, true);
  const state = Int32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476);
  for (let block = 0; block < view.byteLength; block += 64) {
    let a = state[0]!;
    let b = state[1]!;
    let c = state[2]!;
    let d = state[3]!;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      f = (f + a + t[i]! + view.getInt32(block + g * 4, true)) | 0;
      const s = SHIFTS[(i >> 4) * 4 + (i & 3)]!;
      a = d;
      d = c;
      c = b;
      b = (b + ((f << s) | (f >>> (32 - s)))) | 0;
    }
    state[0] = state[0]! + a;
    state[1] = state[1]! + b;
    state[2] = state[2]! + c;
    state[3] = state[3]! + d;
  }
  return wordBytes(state, 4, true);
}
