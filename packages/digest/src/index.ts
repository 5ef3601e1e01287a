/**
 * @sipkit/digest: HTTP Digest (RFC 2617, 7616, 8760) and Bearer (RFC 8898) authentication for
 * SIP, client side ({@link DigestClient}) and verifier side ({@link DigestVerifier}).
 * @packageDocumentation
 */
export {
  BearerCredentials,
  type BearerCredentialsJson,
  type BearerRefreshReason,
  type BearerTokenContext,
  type BearerTokenProvider,
} from './bearer.js';
export {
  type AuthorizationHeaderName,
  type Challenge,
  type ChallengeHeader,
  readChallenges,
} from './challenge.js';
export {
  type AuthorizationHeader,
  type AuthRequest,
  applyAuthorization,
  type Credentials,
  DigestClient,
  type DigestClientOptions,
  type Stringable,
} from './client.js';
export {
  computeHa1,
  computeResponse,
  computeUserhash,
  type DigestInput,
  formatNc,
  type Qop,
} from './compute.js';
export {
  DigestCredentials,
  type DigestCredentialsJson,
  type Ha1CredentialsInit,
  type PasswordCredentialsInit,
} from './credentials.js';
export { AuthenticationError, type AuthenticationErrorCode } from './errors.js';
export {
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  HASH_NAMES,
  type HashName,
  hashHex,
  hashOf,
  isSession,
  parseAlgorithm,
} from './hash.js';
export { cryptoRandom, type RandomSource } from './random.js';
export { REDACTED, redact } from './redact.js';
export {
  type CredentialsLookup,
  DigestVerifier,
  type DigestVerifierOptions,
  type VerifyFailure,
  type VerifyRejection,
  type VerifyResult,
  type VerifySuccess,
} from './verifier.js';
