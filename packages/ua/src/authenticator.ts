import type { CredentialsConfig } from '@sipkit/config';
import {
  type AuthenticationError,
  applyAuthorization,
  type Credentials,
  type DigestAlgorithm,
  DigestClient,
  DigestCredentials,
  parseAlgorithm,
  type Qop,
  type RandomSource,
  readChallenges,
} from '@sipkit/digest';
import type { SipRequest, SipResponse } from '@sipkit/parser';
import type { Authenticator, DigestPolicy } from '@sipkit/registerer';
import type { Logger } from '@sipkit/transport';

/**
 * Turns the plain credential data of a config into digest credential objects, with their realm
 * binding (none: any realm, also for an HA1), realm case and algorithms; `extra` (such as
 * `BearerCredentials`) follow. Throws {@link AuthenticationError} `invalid-credentials` for an
 * unusable HA1.
 */
export function credentialsFromConfig(
  config: CredentialsConfig,
  extra: readonly Credentials[] = [],
): Credentials[] {
  const out: Credentials[] = [];
  for (const c of config.digest) {
    const rules = {
      username: c.username,
      realm: c.realm,
      hashes: c.algorithms,
      realmIgnoresCase: c.realmIgnoresCase,
    };
    if (c.password !== undefined)
      out.push(DigestCredentials.fromPassword({ ...rules, password: c.password }));
    if (Object.keys(c.ha1).length > 0) out.push(DigestCredentials.fromHa1({ ...rules, ha1: c.ha1 }));
  }
  out.push(...extra);
  // An exact-size copy: the array lives as long as the user agent.
  return out.slice();
}

/** The client settings for one digest policy, shared by every authenticator using it. */
interface PolicySettings {
  key: string;
  algorithms: DigestAlgorithm[] | undefined;
  qop: readonly Qop[] | undefined;
}

const NO_POLICY: PolicySettings = { key: '', algorithms: undefined, qop: undefined };
const settingsByPolicy = new WeakMap<DigestPolicy, PolicySettings>();

function settingsOf(policy: DigestPolicy | undefined): PolicySettings {
  if (!policy) return NO_POLICY;
  let settings = settingsByPolicy.get(policy);
  if (!settings) {
    settings = {
      key: `${policy.algorithms.join(',')}|${policy.qop.join(',')}`,
      algorithms: policy.algorithms
        .map((a) => parseAlgorithm(a))
        .filter((a): a is DigestAlgorithm => a !== null),
      // Only these qop values are answered (Asterisk: auth alone), in this order of preference.
      qop: policy.qop,
    };
    settingsByPolicy.set(policy, settings);
  }
  return settings;
}

/**
 * The registerer's {@link Authenticator} over a {@link DigestClient}: answers 401/407 with the
 * profile's digest choices (which algorithms, qop preference, first challenge only or RFC 8760
 * per-realm selection). Rejects with an {@link AuthenticationError} when the challenge cannot be
 * answered, never throws synchronously.
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
      qop: settings.qop,
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

  /**
   * Adds the answer to `challenge` to `request`; rejects with an {@link AuthenticationError} when
   * it cannot. `challenged` is the request as sent (a Bearer token it carried was refused).
   */
  authorize(
    challenge: SipResponse,
    request: SipRequest,
    policy?: DigestPolicy,
    challenged?: SipRequest,
  ): Promise<boolean> {
    return answerChallenge(
      () => this.#clientFor(policy),
      challenge,
      request,
      policy,
      this.logger,
      challenged,
    );
  }
}

/**
 * Answers a 401/407 with the client `client()` gives as the profile's policy says (all challenges,
 * or only the first) and puts the answer into `request`. `challenged` is the request the 401/407
 * answers, as sent (its Bearer token counts as refused). Resolves true; when it cannot answer,
 * rejects with an {@link AuthenticationError} (or whatever else was thrown on the way, making the
 * client included). Never throws synchronously. Logs only the code.
 */
export async function answerChallenge(
  client: () => DigestClient,
  challenge: SipResponse,
  request: SipRequest,
  policy: DigestPolicy | undefined,
  logger: Logger,
  challenged?: SipRequest,
): Promise<boolean> {
  try {
    let challenges = readChallenges(challenge);
    if (policy?.challenges === 'first') challenges = challenges.slice(0, 1);
    const answers = await client().authorize(
      challenges,
      challenged
        ? {
            method: request.method,
            uri: request.uri,
            body: request.body,
            headers: request.headers,
            challenged: challenged.headers,
          }
        : request,
    );
    applyAuthorization(request.headers, answers);
    return true;
  } catch (e) {
    // Only the code: the message of an unexpected error might quote input.
    logger.warn(`cannot answer ${challenge.status} challenge: ${(e as AuthenticationError).code}`);
    throw e;
  }
}

/**
 * Realms whose nonce counts a user agent keeps at most (a proxy's and a registrar's are two):
 * more realms than this in play and the oldest nonce's count starts again at 1.
 */
const MAX_COUNTED_REALMS = 4;

/**
 * The digest client a user agent makes on its first challenge. It counts the latest nonce of
 * each realm answered (RFC 7616 nc per nonce; a proxy realm and a registrar realm must not evict
 * each other's count), never older ones: a client keeping counts for every nonce seen would grow
 * by one at each challenged refresh, for as long as the user agent stays registered. Without
 * `reauthorize` nothing is remembered per realm, and only the latest nonce is counted, as JsSIP,
 * SIP.js and Asterisk do.
 */
export function userAgentDigestClient(
  config: CredentialsConfig,
  policy: DigestPolicy | undefined,
  random: RandomSource,
  replacePasswordWithHa1: boolean,
  reauthorize = false,
  extra?: readonly Credentials[],
): DigestClient {
  const settings = settingsOf(policy);
  return new DigestClient({
    credentials: credentialsFromConfig(config, extra),
    algorithms: settings.algorithms,
    qop: settings.qop,
    random,
    replacePasswordWithHa1,
    maxNonces: reauthorize ? MAX_COUNTED_REALMS : 1,
    countsPerRealm: true,
    // Only a profile with preemptive authorization asks for unprompted credentials; otherwise
    // the answered challenge need not be kept.
    reauthorize,
  });
}

/** True when two policies make the same digest client. */
export function samePolicy(a: DigestPolicy | undefined, b: DigestPolicy | undefined): boolean {
  return a === b || settingsOf(a).key === settingsOf(b).key;
}
