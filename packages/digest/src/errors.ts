/**
 * Stable codes of {@link AuthenticationError}:
 * - `no-supported-algorithm`: no challenge uses a scheme, algorithm or qop this client may answer
 *   with the credentials it holds.
 * - `realm-mismatch`: credentials exist, but none is bound to the challenged realm.
 * - `missing-credentials`: no credentials of the challenged scheme at all.
 * - `rejected-credentials`: the server challenged again a request that already carried our answer
 *   for that realm (and did not mark the nonce stale): the secret is wrong. A registerer also
 *   reports it when a challenge to its authenticated request exceeds what its profile allows
 *   (Asterisk counts a stale nonce there too).
 * - `token-unavailable`: the Bearer token provider threw or rejected (its error is the `cause`).
 * - `malformed-challenge`: a challenge lacks `realm` or `nonce`, or does not parse.
 * - `no-challenge`: the response carries no WWW-/Proxy-Authenticate header.
 * - `invalid-credentials`: credentials given to a factory are unusable (bad HA1 hex, unknown
 *   algorithm, a realm pattern with an HA1), or a Bearer token (static or from a provider) is not
 *   an RFC 6750 `b64token`.
 */
export type AuthenticationErrorCode =
  | 'no-supported-algorithm'
  | 'realm-mismatch'
  | 'missing-credentials'
  | 'rejected-credentials'
  | 'token-unavailable'
  | 'malformed-challenge'
  | 'no-challenge'
  | 'invalid-credentials';

/** Why authentication cannot go on. Carries the realm concerned when there is one; never a secret. */
export class AuthenticationError extends Error {
  /** Always `AuthenticationError`. */
  override readonly name = 'AuthenticationError';
  constructor(
    /** What went wrong, stable across releases. */
    readonly code: AuthenticationErrorCode,
    message: string,
    /** The realm the error is about, when it is about one. */
    readonly realm?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
