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
  // An exact-size copy: the array lives as long as the user agent.
  return out.slice();
}

/** The client settings for one digest policy, shared by every authenticator using it. */
interface PolicySettings {
  key: string;
  algorithms: DigestAlgorithm[] | undefined;
  preferAuthInt: boolean;
}

const NO_POLICY: PolicySettings = { key: '', algorithms: undefined, preferAuthInt: false };
const settingsByPolicy = new WeakMap<DigestPolicy, PolicySettings>();

function settingsOf(policy: DigestPolicy | undefined): PolicySettings {
  if (!policy) return NO_POLICY;
  let settings = settingsByPolicy.get(policy);
  if (!settings) {
    settings = {
      key: `${policy.algorithms.join(',')}|${policy.qop[0]}`,
      algorithms: policy.algorithms
        .map((a) => parseAlgorithm(a))
        .filter((a): a is DigestAlgorithm => a !== null),
      preferAuthInt: policy.qop[0] === 'auth-int',
    };
    settingsByPolicy.set(policy, settings);
  }
  return settings;
}

/**
 * The registerer's {@link Authenticator} over a {@link DigestClient}: answers 401/407 with the
 * profile's digest choices (which algorithms, qop preference, first challenge only or RFC 8760
 * per-realm selection). Returns false, never throws, when the challenge cannot be answered.
 * The client is made on the first challenge; one registerer uses one policy, so it is kept in a
 * field (a map only appears for a second policy).
 */
export class DigestAuthenticator implements Authenticator {
  #client: DigestClient | undefined;
  #clientKey: string | undefined;
  #others: Map<string, DigestClient> | undefined;

  constructor(
    private readonly credentials: readonly Credentials[],
    private readonly random: RandomSource,
    private readonly logger: Logger,
    /** JsSIP keeps only the HA1 after the first answer. */
    private readonly replacePasswordWithHa1 = false,
  ) {}

  #clientFor(policy: DigestPolicy | undefined): DigestClient {
    const settings = settingsOf(policy);
    if (this.#client && this.#clientKey === settings.key) return this.#client;
    const other = this.#others?.get(settings.key);
    if (other) return other;
    const client = new DigestClient({
      credentials: this.credentials,
      algorithms: settings.algorithms,
      preferAuthInt: settings.preferAuthInt,
      random: this.random,
      replacePasswordWithHa1: this.replacePasswordWithHa1,
    });
    if (!this.#client) {
      this.#client = client;
      this.#clientKey = settings.key;
    } else {
      this.#others ??= new Map();
      this.#others.set(settings.key, client);
    }
    return client;
  }

  /** Adds the answer to `challenge` to `request`; false when it cannot be answered. */
  authorize(challenge: SipResponse, request: SipRequest, policy?: DigestPolicy): Promise<boolean> {
    return answerChallenge(this.#clientFor(policy), challenge, request, policy, this.logger);
  }
}

/**
 * Answers a 401/407 with `client` as the profile's policy says (all challenges, or only the first)
 * and puts the answer into `request`. False, never a throw, when it cannot be answered.
 */
export async function answerChallenge(
  client: DigestClient,
  challenge: SipResponse,
  request: SipRequest,
  policy: DigestPolicy | undefined,
  logger: Logger,
): Promise<boolean> {
  try {
    let challenges = readChallenges(challenge);
    if (policy?.challenges === 'first') challenges = challenges.slice(0, 1);
    const answers = await client.authorize(challenges, request);
    applyAuthorization(request.headers, answers);
    return true;
  } catch (e) {
    if (!(e instanceof AuthenticationError)) throw e;
    logger.warn(`cannot answer ${challenge.status} challenge: ${e.code}`);
    return false;
  }
}

/**
 * The digest client a user agent makes on its first challenge. It counts only the latest nonce,
 * as JsSIP, SIP.js and Asterisk do: a client keeping counts for many nonces would grow by one
 * nonce at every challenged refresh, for as long as the user agent stays registered.
 */
export function userAgentDigestClient(
  config: CredentialsConfig,
  policy: DigestPolicy | undefined,
  random: RandomSource,
  replacePasswordWithHa1: boolean,
  reauthorize = false,
): DigestClient {
  const settings = settingsOf(policy);
  return new DigestClient({
    credentials: credentialsFromConfig(config),
    algorithms: settings.algorithms,
    preferAuthInt: settings.preferAuthInt,
    random,
    replacePasswordWithHa1,
    maxNonces: 1,
    // Only a profile with preemptive authorization asks for unprompted credentials; otherwise
    // the answered challenge need not be kept.
    reauthorize,
  });
}

/** True when two policies make the same digest client. */
export function samePolicy(a: DigestPolicy | undefined, b: DigestPolicy | undefined): boolean {
  return a === b || settingsOf(a).key === settingsOf(b).key;
}
