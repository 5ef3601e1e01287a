let encoder: TextEncoder | undefined;

/** A string as UTF-8 bytes, the form every digest input is hashed in. */
export function utf8(text: string): Uint8Array {
  encoder ??= new TextEncoder();
  return encoder.encode(text);
}

let hexTable: string[] | undefined;

/** Lower-case hex of bytes, two digits each. */
export function toHex(bytes: Uint8Array): string {
  // A table of the 256 pairs: one string append per byte.
  hexTable ??= Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));
  const table = hexTable;
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += table[bytes[i]!];
  return out;
}

/**
 * The message padded for MD5 and SHA-2 (RFC 1321 section 3.1-3.2, FIPS 180-4 section 5.1): a 1 bit,
 * zeros, and the length in bits at the end of the last block. `block` is 64 or 128 bytes; the length
 * field is an eighth of it (SHA-512's 16-byte field keeps zeros in its upper half). MD5 writes the
 * length little-endian, SHA-2 big-endian.
 */
export function pad(data: Uint8Array, block: 64 | 128, littleEndian: boolean): DataView {
  const n = data.length;
  const total = Math.ceil((n + 1 + block / 8) / block) * block;
  const bytes = new Uint8Array(total);
  bytes.set(data);
  bytes[n] = 0x80;
  const view = new DataView(bytes.buffer);
  // Bits = n * 8, in 32-bit halves without overflow.
  const low = (n * 8) >>> 0;
  const high = Math.floor(n / 0x20000000);
  view.setUint32(total - (littleEndian ? 8 : 4), low, littleEndian);
  view.setUint32(total - (littleEndian ? 4 : 8), high, littleEndian);
  return view;
}

/** The first `count` 32-bit words of a hash state as bytes, in the hash's byte order. */
export function wordBytes(words: Int32Array, count: number, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(count * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < count; i++) view.setInt32(i * 4, words[i]!, littleEndian);
  return out;
}
