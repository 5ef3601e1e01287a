import { md5 } from '@noble/hashes/legacy.js';
import { sha256, sha512_256 } from '@noble/hashes/sha2.js';
import { bytesToHex as toHex, utf8ToBytes as utf8 } from '@noble/hashes/utils.js';

/** The hash functions digest authentication is defined for. `SHA-512-256` is FIPS 180-4 SHA-512/256. */
export type HashName = 'MD5' | 'SHA-256' | 'SHA-512-256';

/** A digest `algorithm` value (RFC 7616 section 3.3, RFC 8760): a hash, optionally in its session variant. */
export type DigestAlgorithm = HashName | `${HashName}-sess`;

/** Every algorithm this package implements, strongest first. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = [
  'SHA-512-256',
  'SHA-512-256-sess',
  'SHA-256',
  'SHA-256-sess',
  'MD5',
  'MD5-sess',
];

/** The hash names, in the order of {@link DIGEST_ALGORITHMS}. */
export const HASH_NAMES: readonly HashName[] = ['SHA-512-256', 'SHA-256', 'MD5'];

const FUNCTIONS: Record<HashName, (data: Uint8Array) => Uint8Array> = {
  MD5: md5,
  'SHA-256': sha256,
  'SHA-512-256': sha512_256,
};

/**
 * Reads an `algorithm` parameter. Absent means MD5 (RFC 2617 section 3.2.1); names compare
 * case-insensitively. Returns null for an algorithm this package does not implement (e.g. AKAv1-MD5).
 */
export function parseAlgorithm(token: string | null | undefined): DigestAlgorithm | null {
  if (token === undefined || token === null) return 'MD5';
  const lower = token.toLowerCase();
  return DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === lower) ?? null;
}

/** Reads a hash name (`MD5`, `SHA-256`, `SHA-512-256`), case-insensitively; null when unknown. */
export function parseHashName(token: string): HashName | null {
  const algorithm = parseAlgorithm(token);
  return algorithm && !isSession(algorithm) ? (algorithm as HashName) : null;
}

/** The hash function an algorithm uses. */
export function hashOf(algorithm: DigestAlgorithm): HashName {
  return algorithm.endsWith('-sess') ? (algorithm.slice(0, -5) as HashName) : (algorithm as HashName);
}

/** Whether an algorithm is a session variant (HA1 bound to nonce and cnonce). */
export function isSession(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

/** Length in hex digits of a hash's output. */
export function hexLength(hash: HashName): number {
  return hash === 'MD5' ? 32 : 64;
}

/** Lower-case hex hash of a string (as UTF-8) or of bytes. */
export function hashHex(hash: HashName, data: string | Uint8Array): string {
  return toHex(FUNCTIONS[hash](typeof data === 'string' ? utf8(data) : data));
}
