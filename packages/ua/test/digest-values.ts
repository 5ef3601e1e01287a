/**
 * One digest computation with `@sipkit/digest`, run both in the browser page and in Node by
 * `browser.interop.test.ts`, so the two results can be compared.
 */
import {
  computeHa1,
  computeResponse,
  computeUserhash,
  type DigestAlgorithm,
  hashOf,
  type Qop,
} from '@sipkit/digest';

/** The inputs of one digest response, as the conformance vectors list them. */
export interface DigestInput {
  /** Algorithm token (`MD5`, `SHA-512-256`, ...). */
  algorithm: DigestAlgorithm;
  /** Digest username. */
  username: string;
  /** Realm. */
  realm: string;
  /** Password. */
  password: string;
  /** Server nonce. */
  nonce: string;
  /** Client nonce. */
  cnonce: string;
  /** Nonce count as on the wire. */
  nc: string;
  /** Quality of protection. */
  qop: Qop;
  /** Request method. */
  method: string;
  /** Digest `uri`. */
  uri: string;
}

/** HA1, userhash and response of one {@link DigestInput}. */
export interface DigestValues {
  /** H(username:realm:password). */
  ha1: string;
  /** H(username:realm), the RFC 7616 userhash. */
  userhash: string;
  /** The `response` parameter. */
  response: string;
}

/** HA1, userhash and response of `v`. */
export function digestValues(v: DigestInput): DigestValues {
  const hash = hashOf(v.algorithm);
  const ha1 = computeHa1(hash, v.username, v.realm, v.password);
  return {
    ha1,
    userhash: computeUserhash(hash, v.username, v.realm),
    response: computeResponse({ ...v, ha1 }),
  };
}
