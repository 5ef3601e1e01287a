/**
 * A source of random bytes, injected so tests are reproducible. Structurally the same as
 * `RandomSource` in `@sipkit/transport`, which this package does not import.
 */
export type RandomSource = (length: number) => Uint8Array;

/** Cryptographic random bytes from Web Crypto (global in browsers and Node 20). */
export const cryptoRandom: RandomSource = (length) => crypto.getRandomValues(new Uint8Array(length));

/** Standard base64 (with `+`, `/` and padding), the form RFC 7616's examples use for cnonce. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
