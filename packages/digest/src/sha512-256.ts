import { pad, utf8, wordBytes } from './bytes.js';
import { sha2Constants } from './sha2-constants.js';

/** The message schedule, 80 words as 32-bit halves `[high, low, ...]`, reused between calls. */
let schedule: Int32Array | undefined;
/** SHA-512/256's initial value, derived on first use. */
let initial: Int32Array | undefined;

/**
 * SHA-512/256 (FIPS 180-4 sections 5.3.6 and 6.7) of bytes, 32 bytes out: SHA-512 with its own
 * initial value, cut to 256 bits. The `SHA-512-256` of RFC 7616.
 */
export function sha512_256(data: Uint8Array): Uint8Array {
  if (!initial) {
    // FIPS 180-4 section 5.3.6: SHA-512 of "SHA-512/256", started from SHA-512's initial value with
    // every byte XOR a5.
    initial = sha2Constants().iv.map((x) => x ^ 0xa5a5a5a5);
    compress(pad(utf8('SHA-512/256'), 128, false), initial);
  }
  const state = initial.slice();
  compress(pad(data, 128, false), state);
  return wordBytes(state, 8, false);
}

/**
 * Half of a 64-bit word (high, low) rotated right by `n` (1 to 31): called as (high, low) it gives
 * the high half, as (low, high) the low half, which is also the low half of a right shift by `n`.
 * A rotation by 32 + n is the one by n with the halves swapped.
 */
function rotr(high: number, low: number, n: number): number {
  return (high >>> n) | (low << (32 - n));
}

/** What a sum of unsigned low halves carries into the high half. */
function carry(low: number): number {
  return (low / 0x100000000) | 0;
}

/**
 * SHA-512's compression (FIPS 180-4 section 6.4.2) over padded blocks, updating `state` (eight
 * 64-bit words as 32-bit halves). A 64-bit sum adds the low halves as unsigned numbers (exact in a
 * double) and carries into the high halves: no BigInt.
 */
function compress(view: DataView, state: Int32Array): void {
  const k = sha2Constants().k;
  schedule ??= new Int32Array(160);
  const w = schedule;
  for (let block = 0; block < view.byteLength; block += 128) {
    for (let i = 0; i < 32; i++) w[i] = view.getInt32(block + i * 4);
    for (let i = 32; i < 160; i += 2) {
      // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]; σ0 = rotr 1, 8, shr 7; σ1 = rotr 19, 61, shr 6.
      const xh = w[i - 30]!;
      const xl = w[i - 29]!;
      const yh = w[i - 4]!;
      const yl = w[i - 3]!;
      const low =
        ((rotr(yl, yh, 19) ^ rotr(yh, yl, 29) ^ rotr(yl, yh, 6)) >>> 0) +
        (w[i - 13]! >>> 0) +
        ((rotr(xl, xh, 1) ^ rotr(xl, xh, 8) ^ rotr(xl, xh, 7)) >>> 0) +
        (w[i - 31]! >>> 0);
      w[i] =
        (rotr(yh, yl, 19) ^ rotr(yl, yh, 29) ^ (yh >>> 6)) +
        w[i - 14]! +
        (rotr(xh, xl, 1) ^ rotr(xh, xl, 8) ^ (xh >>> 7)) +
        w[i - 32]! +
        carry(low);
      w[i + 1] = low;
    }
    let ah = state[0]!;
    let al = state[1]!;
    let bh = state[2]!;
    let bl = state[3]!;
    let ch = state[4]!;
    let cl = state[5]!;
    let dh = state[6]!;
    let dl = state[7]!;
    let eh = state[8]!;
    let el = state[9]!;
    let fh = state[10]!;
    let fl = state[11]!;
    let gh = state[12]!;
    let gl = state[13]!;
    let hh = state[14]!;
    let hl = state[15]!;
    for (let i = 0; i < 160; i += 2) {
      // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]; T2 = Σ0(a) + Maj(a, b, c);
      // Σ1 = rotr 14, 18, 41; Σ0 = rotr 28, 34, 39.
      const t1l =
        (hl >>> 0) +
        ((rotr(el, eh, 14) ^ rotr(el, eh, 18) ^ rotr(eh, el, 9)) >>> 0) +
        (((el & fl) ^ (~el & gl)) >>> 0) +
        (k[i + 1]! >>> 0) +
        (w[i + 1]! >>> 0);
      const t1h =
        hh +
        (rotr(eh, el, 14) ^ rotr(eh, el, 18) ^ rotr(el, eh, 9)) +
        ((eh & fh) ^ (~eh & gh)) +
        k[i]! +
        w[i]! +
        carry(t1l);
      const t2l =
        ((rotr(al, ah, 28) ^ rotr(ah, al, 2) ^ rotr(ah, al, 7)) >>> 0) +
        (((al & bl) ^ (al & cl) ^ (bl & cl)) >>> 0);
      const t2h =
        (rotr(ah, al, 28) ^ rotr(al, ah, 2) ^ rotr(al, ah, 7)) +
        ((ah & bh) ^ (ah & ch) ^ (bh & ch)) +
        carry(t2l);
      const el2 = (dl >>> 0) + (t1l >>> 0);
      const al2 = (t1l >>> 0) + (t2l >>> 0);
      hh = gh;
      hl = gl;
      gh = fh;
      gl = fl;
      fh = eh;
      fl = el;
      eh = (dh + t1h + carry(el2)) | 0;
      el = el2 | 0;
      dh = ch;
      dl = cl;
      ch = bh;
      cl = bl;
      bh = ah;
      bl = al;
      ah = (t1h + t2h + carry(al2)) | 0;
      al = al2 | 0;
    }
    add(state, 0, ah, al);
    add(state, 2, bh, bl);
    add(state, 4, ch, cl);
    add(state, 6, dh, dl);
    add(state, 8, eh, el);
    add(state, 10, fh, fl);
    add(state, 12, gh, gl);
    add(state, 14, hh, hl);
  }
}

/** Adds the 64-bit word (high, low) into `state` at `i`. */
function add(state: Int32Array, i: number, high: number, low: number): void {
  const sum = (state[i + 1]! >>> 0) + (low >>> 0);
  state[i] = state[i]! + high + carry(sum);
  state[i + 1] = sum;
}
