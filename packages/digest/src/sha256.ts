import { pad, wordBytes } from './bytes.js';
import { sha2Constants } from './sha2-constants.js';

/** The message schedule, reused: hashing is synchronous, so one is enough. */
let schedule: Int32Array | undefined;
/** SHA-256's initial value: the high halves of SHA-512's. */
let initial: Int32Array | undefined;

/** SHA-256 (FIPS 180-4 section 6.2) of bytes, 32 bytes out. */
export function sha256(data: Uint8Array): Uint8Array {
  const k = sha2Constants().k;
  schedule ??= new Int32Array(64);
  initial ??= sha2Constants().iv.filter((_, i) => i % 2 === 0);
  const w = schedule;
  const view = pad(data, 64, false);
  const state = initial.slice();
  for (let block = 0; block < view.byteLength; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getInt32(block + t * 4);
    for (let t = 16; t < 64; t++) {
      // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16].
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      w[t] =
        ((rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10)) +
          w[t - 7]! +
          (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) +
          w[t - 16]!) |
        0;
    }
    let a = state[0]!;
    let b = state[1]!;
    let c = state[2]!;
    let d = state[3]!;
    let e = state[4]!;
    let f = state[5]!;
    let g = state[6]!;
    let h = state[7]!;
    for (let t = 0; t < 64; t++) {
      // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]; T2 = Σ0(a) + Maj(a, b, c).
      const t1 =
        (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[t * 2]! + w[t]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    state[0] = state[0]! + a;
    state[1] = state[1]! + b;
    state[2] = state[2]! + c;
    state[3] = state[3]! + d;
    state[4] = state[4]! + e;
    state[5] = state[5]! + f;
    state[6] = state[6]! + g;
    state[7] = state[7]! + h;
  }
  return wordBytes(state, 8, false);
}

/** A 32-bit word rotated right by `n`. */
function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}
