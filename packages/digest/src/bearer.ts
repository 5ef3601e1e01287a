import { AuthValue, Params } from '@sipkit/parser';
import { isScheme } from './challenge.js';
import { AuthenticationError } from './errors.js';
import { realmMatches } from './realm.js';
import { INSPECT } from './secret.js';

/** The JSON form of {@link BearerCredentials}: no token. */
export interface BearerCredentialsJson {
  /** Always `bearer`. */
  kind: 'bearer';
  /** The realm binding, null for any realm. */
  realm: string | null;
}

/** Why a token provider is called: a first challenge, or the previous token was refused (expired). */
export type BearerRefreshReason = 'challenge' | 'rejected';

/** What the Bearer challenge said (RFC 8898 section 2.3), handed to the token provider. */
export interface BearerTokenContext {
  /** A first challenge, or a refusal of the token sent. */
  reason: BearerRefreshReason;
  /** The challenge's realm. */
  realm?: string;
  /** The scope the token must cover. */
  scope?: string;
  /** The `authz_server` parameter: where to get a token. */
  authzServer?: string;
  /** The RFC 6750 `error` parameter, e.g. `invalid_token`. */
  error?: string;
}

/** Returns an access token; called on a challenge when no token is cached and when a token was refused. */
export type BearerTokenProvider = (context: BearerTokenContext) => string | Promise<string>;

/**
 * Bearer credentials (RFC 8898): a static token, or a provider asked for a token on the first
 * challenge and again whenever the server refuses the cached one. The token never shows in
 * `toString()`, JSON or `util.inspect`.
 */
export class BearerCredentials {
  /** Discriminates from {@link DigestCredentials}. */
  readonly kind = 'bearer' as const;
  readonly #provider: BearerTokenProvider | undefined;
  #token: string | undefined;

  private constructor(
    /** Realm binding: undefined for any realm, a `*` pattern, or an exact realm. */
    readonly realm: string | undefined,
    token: string | undefined,
    provider: BearerTokenProvider | undefined,
  ) {
    this.#token = token;
    this.#provider = provider;
  }

  /**
   * A fixed token. A refusal of it is final (`rejected-credentials`). Throws
   * `invalid-credentials` for a token outside the RFC 6750 `b64token` syntax.
   */
  static fromToken(token: string, options: { realm?: string } = {}): BearerCredentials {
    return new BearerCredentials(options.realm, checkedToken(token, options.realm), undefined);
  }

  /** Tokens from a provider, fetched lazily and refreshed when refused. */
  static fromProvider(provider: BearerTokenProvider, options: { realm?: string } = {}): BearerCredentials {
    return new BearerCredentials(options.realm, undefined, provider);
  }

  /** Whether the realm binding allows `realm` (a challenge without realm matches any binding). */
  matchesRealm(realm: string | undefined): boolean {
    return realm === undefined || realmMatches(this.realm, realm);
  }

  /** Whether a token is cached now. */
  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  /** Drops the cached token so the next challenge asks the provider (e.g. the app knows it expired). */
  invalidate(): void {
    if (this.#provider) this.#token = undefined;
  }

  /**
   * The token to send. With `rejected` set to the token the server refused, asks the provider for
   * a new one; a static token, or a provider returning the refused token again, is final.
   */
  async token(context: Omit<BearerTokenContext, 'reason'>, rejected?: string): Promise<string> {
    if (rejected !== undefined && rejected === this.#token) this.#token = undefined;
    if (this.#token !== undefined) return this.#token;
    if (!this.#provider) {
      throw new AuthenticationError(
        'rejected-credentials',
        'the server refused the bearer token',
        context.realm,
      );
    }
    const reason: BearerRefreshReason = rejected !== undefined ? 'rejected' : 'challenge';
    let fresh: string;
    try {
      fresh = await this.#provider({ ...context, reason });
    } catch (e) {
      // The provider's own error stays reachable as the cause; its message is not repeated.
      throw new AuthenticationError('token-unavailable', 'the token provider failed', context.realm, {
        cause: e,
      });
    }
    if (typeof fresh !== 'string' || fresh.length === 0) {
      throw new AuthenticationError(
        'missing-credentials',
        'the token provider returned no token',
        context.realm,
      );
    }
    checkedToken(fresh, context.realm);
    if (fresh === rejected) {
      throw new AuthenticationError(
        'rejected-credentials',
        'the server refused the bearer token and the provider returned it again',
        context.realm,
      );
    }
    this.#token = fresh;
    return fresh;
  }

  /** The cached token for a preemptive request, without calling the provider. */
  cachedToken(): string | undefined {
    return this.#token;
  }

  /**
   * The `Bearer <token>` answer to a Bearer challenge. The token is a new one when the server
   * refused the one in `carried` (the credentials the challenged request had: a challenge to a
   * request that carried a token refuses it, whatever its `error`) or said `error="invalid_token"`.
   * Lives here, not in the client, so an app without Bearer does not ship it.
   */
  async answer(challenge: AuthValue, carried: readonly AuthValue[]): Promise<AuthValue> {
    let rejected = carried.find((v) => isScheme(v, 'bearer') && v.token68 !== undefined)?.token68;
    if (rejected === undefined && challenge.param('error') === 'invalid_token') rejected = this.#token;
    const context: Omit<BearerTokenContext, 'reason'> = {};
    for (const [key, param] of [
      ['realm', 'realm'],
      ['scope', 'scope'],
      ['authzServer', 'authz_server'],
      ['error', 'error'],
    ] as const) {
      const value = challenge.param(param);
      if (value !== undefined) context[key] = value;
    }
    return bearerValue(await this.token(context, rejected));
  }

  /** The answer with the cached token for a preemptive request; undefined without a token. */
  cachedAnswer(): AuthValue | undefined {
    return this.#token === undefined ? undefined : bearerValue(this.#token);
  }

  /** A description without the token. */
  toString(): string {
    return `BearerCredentials(${this.realm ?? '*'}, ${this.#provider ? 'provider' : 'token'})`;
  }

  /** The JSON form: realm binding only. */
  toJSON(): BearerCredentialsJson {
    return { kind: 'bearer', realm: this.realm ?? null };
  }

  /** What Node's `util.inspect` and `console.log` show. */
  [INSPECT](): string {
    return this.toString();
  }
}

/** RFC 6750 section 2.1 `b64token`: what may follow `Bearer ` on the wire. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * `token` when it is a `b64token`; else `invalid-credentials`. A token with a space, comma, quote
 * or line break would change the header around it. The message never quotes the token.
 */
function checkedToken(token: string, realm: string | undefined): string {
  if (typeof token === 'string' && B64TOKEN.test(token)) return token;
  throw new AuthenticationError('invalid-credentials', 'the bearer token is not an RFC 6750 b64token', realm);
}

/** The `Bearer <token>` credentials value (RFC 6750 section 2.1). */
function bearerValue(token: string): AuthValue {
  return new AuthValue('Bearer', new Params(), token);
}
