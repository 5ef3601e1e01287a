import type { CredentialsConfig } from '@sipkit/config';
import {
  AuthenticationError,
  applyAuthorization,
  type Credentials,
  type DigestAlgorithm,
  DigestClient,
  DigestCredentials,
  parseAlgorithm,
  type RandomSource,
  readChallenges,
} from '@sipkit/digest';
import type { SipRequest, SipResponse } from '@sipkit/parser';
import type { Authenticator, DigestPolicy } from '@sipkit/registerer';
import type { Logger } from '@sipkit/transport';
import { UserAgentError } from './errors.js';

/** Turns the plain credential data of a config into digest credential objects. */
export function credentialsFromConfig(config: CredentialsConfig): Credentials[] {
  const out: Credentials[] = [];
  for (const c of config.digest) {
    if (c.password !== undefined)
      out.push(
        DigestCredentials.fromPassword({ username: c.username, password: c.password, realm: c.realm }),
      );
    if (Object.keys(c.ha1).length > 0) {
      if (c.realm === undefined)
        throw new UserAgentError('INVALID_CREDENTIALS', `HA1 for ${c.username} needs a realm`);
      out.push(DigestCredentials.fromHa1({ username: c.username, realm: c.realm, ha1: c.ha1 }));
    }
  }
  return out;
}

/**
 * The registerer's {@link Authenticator} over a {@link DigestClient}: answers 401/407 with the
 * profile's digest choices (which algorithms, qop preference, first challenge only or RFC 8760
 * per-realm selection). Returns false, never throws, when the challenge cannot be answered.
 */
export class DigestAuthenticator implements Authenticator {
  private readonly clients = new Map<string, DigestClient>();

  constructor(
    private readonly credentials: readonly Credentials[],
    private readonly random: RandomSource,
    private readonly logger: Logger,
    /** JsSIP keeps only the HA1 after the first answer. */
    private readonly replacePasswordWithHa1 = false,
  ) {}

  private client(policy: DigestPolicy | undefined): DigestClient {
    const key = policy ? `${policy.algorithms.join(',')}|${policy.qop[0]}` : '';
    let client = this.clients.get(key);
    if (!client) {
      const algorithms = policy?.algorithms
        .map((a) => parseAlgorithm(a))
        .filter((a): a is DigestAlgorithm => a !== null);
      client = new DigestClient({
        credentials: this.credentials,
        algorithms,
        preferAuthInt: policy?.qop[0] === 'auth-int',
        random: this.random,
        replacePasswordWithHa1: this.replacePasswordWithHa1,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  async authorize(challenge: SipResponse, request: SipRequest, policy?: DigestPolicy): Promise<boolean> {
    try {
      let challenges = readChallenges(challenge);
      if (policy?.challenges === 'first') challenges = challenges.slice(0, 1);
      const answers = await this.client(policy).authorize(challenges, request);
      applyAuthorization(request.headers, answers);
      return true;
    } catch (e) {
      if (!(e instanceof AuthenticationError)) throw e;
      this.logger.warn(`cannot answer ${challenge.status} challenge: ${e.code}`);
      return false;
    }
  }
}
