import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashHex } from '../src/hash.js';

// The hashes are @noble/hashes'; these tests check that each digest name reaches the right one and
// that text is hashed as UTF-8, with node:crypto (OpenSSL) as the reference.

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const HASHES = [
  ['MD5', 'md5'],
  ['SHA-256', 'sha256'],
  ['SHA-512-256', 'sha512-256'],
] as const;

describe.each(HASHES)('hashHex %s', (name, node) => {
  it('equals node:crypto on bytes around the block boundaries', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 300]) {
      const data = bytes(n, n + 1);
      expect(hashHex(name, data), `length ${n}`).toBe(createHash(node).update(data).digest('hex'));
    }
  });
});

describe('hashHex on text', () => {
  const texts = [
    '',
    'abc',
    'Jäsøn Doe:api@example.org',
    'ユーザー:領域:パスワード',
    'emoji 😀🎉 and 𝄞 (four-byte UTF-8)',
    'lone surrogate \ud800 becomes U+FFFD',
    'é'.repeat(70),
    '€'.repeat(50),
  ];
  it.each(HASHES)('%s hashes multi-byte text as UTF-8, as node %s does', (name, node) => {
    for (const text of texts) {
      expect(hashHex(name, text), text).toBe(createHash(node).update(text, 'utf8').digest('hex'));
    }
  });
});
