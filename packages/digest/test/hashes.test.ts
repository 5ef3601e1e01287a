import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../src/bytes.js';
import { hashHex } from '../src/hash.js';
import { hmacSha256 } from '../src/hmac.js';
import { md5 } from '../src/md5.js';
import { sha256 } from '../src/sha256.js';
import { sha512_256 } from '../src/sha512-256.js';

// Differential tests: node:crypto (OpenSSL) is the reference for our own MD5 and SHA-2 code.

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
  ['md5', md5, 16],
  ['sha256', sha256, 32],
  ['sha512-256', sha512_256, 32],
] as const;

describe.each(HASHES)('%s', (node, ours, size) => {
  it('equals node:crypto on every length 0..300 (each block and length-field boundary)', () => {
    for (let n = 0; n <= 300; n++) {
      const data = bytes(n, n + 1);
      const digest = ours(data);
      expect(digest.length).toBe(size);
      expect(toHex(digest), `length ${n}`).toBe(createHash(node).update(data).digest('hex'));
    }
  });

  it('equals node:crypto on all-zero and all-0xff blocks (carries in the 32-bit halves)', () => {
    for (const n of [55, 56, 64, 111, 112, 128]) {
      for (const fill of [0x00, 0xff]) {
        const data = new Uint8Array(n).fill(fill);
        expect(toHex(ours(data))).toBe(createHash(node).update(data).digest('hex'));
      }
    }
  });

  it('equals node:crypto on a few megabytes', () => {
    const data = bytes(3 * 1024 * 1024 + 17, 0x5eed);
    expect(toHex(ours(data))).toBe(createHash(node).update(data).digest('hex'));
  });

  it('gives the same digest on a second call (no state left behind)', () => {
    const data = bytes(200, 7);
    expect(toHex(ours(data))).toBe(toHex(ours(data)));
    expect(toHex(ours(data.subarray(3, 150)))).toBe(
      createHash(node).update(data.subarray(3, 150)).digest('hex'),
    );
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
  it.each([
    ['MD5', 'md5'],
    ['SHA-256', 'sha256'],
    ['SHA-512-256', 'sha512-256'],
  ] as const)('%s hashes multi-byte text as UTF-8, as node %s does', (name, node) => {
    for (const text of texts) {
      expect(hashHex(name, text), text).toBe(createHash(node).update(text, 'utf8').digest('hex'));
    }
  });

  it('encodes UTF-8 as Buffer does', () => {
    for (const text of texts) expect(Array.from(utf8(text))).toEqual(Array.from(Buffer.from(text, 'utf8')));
  });

  it('writes two lower-case hex digits per byte', () => {
    expect(toHex(new Uint8Array([0, 1, 15, 16, 171, 255]))).toBe('00010f10abff');
  });
});

describe('hmacSha256', () => {
  it('equals node:crypto for keys shorter than, equal to and longer than the 64-byte block', () => {
    for (const keyLength of [0, 1, 31, 32, 63, 64, 65, 100, 130]) {
      for (const messageLength of [0, 1, 55, 64, 119, 200]) {
        const key = bytes(keyLength, keyLength + 3);
        const message = bytes(messageLength, messageLength + 11);
        expect(toHex(hmacSha256(key, message))).toBe(createHmac('sha256', key).update(message).digest('hex'));
      }
    }
  });
});
