import { type DigestCredential, hideSecrets, type UserAgentConfig } from '@sipkit/config';
import { parseUri, SipUri } from '@sipkit/parser';
import { UserAgentError } from './errors.js';

/** The HA1 table of password credentials: empty, shared, never changed. */
const NO_HA1: DigestCredential['ha1'] = Object.freeze({});

/** Who one of many user agents built from a shared config is. */
export interface IdentityOverride {
  /** Address of record (`sip:user@domain`), in the base config's domain. */
  aor: string | SipUri;
  /** Digest password. */
  password: string;
  /** Digest username; default the AOR's user. */
  username?: string;
  /** Display name; default none. */
  displayName?: string;
}

/**
 * A config that differs from `base` only in who it is: the AOR and the digest credentials. Every
 * other part (servers, registration and connection settings, profile, contact options) is the
 * base's own object, not a copy, so thousands of user agents built this way share them. The
 * registrar, realm binding and servers are the base's: keep the AOR in the base's domain.
 * `new UserAgent(base, { identity: who })` runs the same config without building this object.
 */
export function withIdentity(base: UserAgentConfig, who: IdentityOverride): UserAgentConfig {
  const parsed = identityAor(base, who.aor);
  const username = who.username ?? parsed.user!;
  const template = base.credentials.digest[0];
  const credential: DigestCredential = hideSecrets({
    name: undefined,
    username,
    password: who.password,
    ha1: NO_HA1,
    realm: template?.realm,
    realmIgnoresCase: template?.realmIgnoresCase,
    algorithms: template?.algorithms,
  });
  return {
    ...base,
    identity: { aor: parsed, displayName: who.displayName, authorizationUser: username },
    credentials: { digest: [credential], bearer: base.credentials.bearer },
  };
}

/**
 * The AOR of an identity override, checked (a `sip:`/`sips:` URI with a user part). A string in
 * the base AOR's host is parsed into a URI that shares the base's host and scheme strings; a
 * `SipUri` is used as it is.
 * @internal
 */
export function identityAor(base: UserAgentConfig, aor: string | SipUri): SipUri {
  const given = typeof aor === 'string' ? parseUri(aor) : aor;
  // No password in it (RFC 3261 section 19.1.1); the message does not quote one.
  if (given.kind !== 'sip' || given.user === undefined || given.password !== undefined)
    throw new UserAgentError(
      'INVALID_CREDENTIALS',
      'the AOR must be a sip: or sips: URI with a user part and no password',
    );
  const b = base.identity.aor;
  return typeof aor === 'string' && given.host === b.host
    ? new SipUri(b.scheme, b.host, given.user, given.port, given.params, given.headers, given.password)
    : given;
}
