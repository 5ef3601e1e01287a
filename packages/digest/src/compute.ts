import { type DigestAlgorithm, type HashName, hashHex, hashOf, isSession } from './hash.js';

/** The quality of protection values this package answers (RFC 7616 section 3.3). */
export type Qop = 'auth' | 'auth-int';

/** Everything that goes into one digest `response` value. */
export interface DigestInput {
  /** The algorithm, session variant included. */
  algorithm: DigestAlgorithm;
  /** H(username:realm:password) with the algorithm's hash, never the session variant. */
  ha1: string;
  /** The server's nonce. */
  nonce: string;
  /** Required with a qop and with a session algorithm. */
  cnonce?: string;
  /** The 8-hex-digit nonce count as written on the wire; required with a qop. */
  nc?: string;
  /** Absent for the RFC 2069 form. */
  qop?: Qop;
  /** The request method. */
  method: string;
  /** The `uri` parameter, exactly as sent. */
  uri: string;
  /** Body bytes; only `auth-int` uses them (an absent body hashes as empty). */
  body?: Uint8Array;
}

/** H(username:realm:password), the HA1 of RFC 7616 section 3.4.2 for a non-session algorithm. */
export function computeHa1(hash: HashName, username: string, realm: string, password: string): string {
  return hashHex(hash, `${username}:${realm}:${password}`);
}

/** The username as sent with `userhash=true`: H(username:realm) (RFC 7616 section 3.4.4). */
export function computeUserhash(hash: HashName, username: string, realm: string): string {
  return hashHex(hash, `${username}:${realm}`);
}

/** The `response` value of RFC 7616 section 3.4.1 (and RFC 2069 when there is no qop). */
export function computeResponse(input: DigestInput): string {
  const { algorithm, ha1, nonce, cnonce, nc, qop, method, uri, body } = input;
  return digestResponse(algorithm, ha1, nonce, cnonce, nc, qop, method, uri, body);
}

/** {@link computeResponse} with the inputs as arguments, so a caller builds no input object. */
export function digestResponse(
  algorithm: DigestAlgorithm,
  ha1: string,
  nonce: string,
  cnonce: string | undefined,
  nc: string | undefined,
  qop: Qop | undefined,
  method: string,
  uri: string,
  body: Uint8Array | undefined,
): string {
  const hash = hashOf(algorithm);
  const h = (s: string) => hashHex(hash, s);
  const a1 = isSession(algorithm) ? h(`${ha1}:${nonce}:${cnonce ?? ''}`) : ha1;
  const a2 = h(
    qop === 'auth-int' ? `${method}:${uri}:${hashHex(hash, body ?? new Uint8Array(0))}` : `${method}:${uri}`,
  );
  return h(
    qop === undefined ? `${a1}:${nonce}:${a2}` : `${a1}:${nonce}:${nc ?? ''}:${cnonce ?? ''}:${qop}:${a2}`,
  );
}

/** Formats a nonce count as the 8 lower-case hex digits RFC 7616 puts on the wire. */
export function formatNc(count: number): string {
  return count.toString(16).padStart(8, '0');
}

/** Compares two strings without an early exit, so timing does not leak how much of a digest matched. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}
