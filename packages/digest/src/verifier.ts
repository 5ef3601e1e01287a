import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex as toHex, utf8ToBytes as utf8 } from '@noble/hashes/utils.js';
import { AuthValue, Params, parseAuth, parseUri } from '@sipkit/parser';
import { flag, isScheme } from './challenge.js';
import type { AuthRequest } from './client.js';
import { computeResponse, computeUserhash, constantTimeEqual, type Qop } from './compute.js';
import type { DigestCredentials } from './credentials.js';
import { AuthenticationError } from './errors.js';
import { type DigestAlgorithm, type HashName, hashOf, isSession, parseAlgorithm } from './hash.js';
import { NonceStore } from './nonce-store.js';
import { cryptoRandom, type RandomSource } from './random.js';
import { decodeExtValue } from './username.js';

/** Finds the credentials of a user; with `userhash` the name given is H(username:realm). */
export type CredentialsLookup = (
  username: string,
  context: { realm: string; userhash: boolean; hash: HashName },
) => DigestCredentials | undefined | Promise<DigestCredentials | undefined>;

/** Settings of a {@link DigestVerifier}. */
export interface DigestVerifierOptions {
  /** The realm challenged and accepted. */
  realm: string;
  /** The users: a list (userhash resolved by the verifier) or a lookup function. */
  credentials: readonly DigestCredentials[] | CredentialsLookup;
  /** One challenge per algorithm, in this order (RFC 8760: most preferred first). Default SHA-256, MD5. */
  algorithms?: readonly DigestAlgorithm[];
  /** qop values offered; an empty list issues RFC 2069 challenges without qop. Default `['auth']`. */
  qop?: readonly Qop[];
  /** Challenge as a proxy (407, Proxy-Authenticate / Proxy-Authorization). Default false. */
  proxy?: boolean;
  /** Offer `userhash=true`. Default false. */
  userhash?: boolean;
  /** Send an `opaque` bound to the nonce and require it back. Default true. */
  opaque?: boolean;
  /** Random bytes for nonces and the signing key; default Web Crypto. */
  random?: RandomSource;
  /** Live nonces kept; issuing more retires the oldest (answers with it become stale). Default 1024. */
  maxNonces?: number;
  /** Answers accepted per nonce before it turns stale. Default 1000. */
  maxNonceUses?: number;
}

/** Why a verification failed. `stale` means the answer was right but its nonce is no longer live. */
export type VerifyFailure =
  | 'missing'
  | 'wrong-realm'
  | 'malformed'
  | 'unsupported-algorithm'
  | 'uri-mismatch'
  | 'unknown-nonce'
  | 'opaque-mismatch'
  | 'unknown-user'
  | 'bad-response'
  | 'replay'
  | 'stale';

/** The outcome of {@link DigestVerifier.verify}. On failure, send `status` with `challenges` in `header`. */
export type VerifyResult = VerifySuccess | VerifyRejection;

/** An accepted answer. */
export interface VerifySuccess {
  /** Accepted. */
  ok: true;
  /** The user in clear (resolved from the userhash when one was sent). */
  username: string;
  /** The realm verified. */
  realm: string;
  /** The algorithm the client answered with. */
  algorithm: DigestAlgorithm;
  /** The qop answered; undefined for the RFC 2069 form. */
  qop: Qop | undefined;
}

/** A refused or missing answer, with what to send back. */
export interface VerifyRejection {
  /** Not accepted. */
  ok: false;
  /** Why, for logs and tests; not for the peer. */
  reason: VerifyFailure;
  /** 401, or 407 for a proxy. */
  status: 401 | 407;
  /** The header the challenges go in. */
  header: 'WWW-Authenticate' | 'Proxy-Authenticate';
  /** Fresh challenges (with `stale=true` when the reason is `stale`). */
  challenges: AuthValue[];
}

const NONCE_RANDOM_BYTES = 16;
const TAG_BYTES = 8;

/**
 * The registrar / proxy side of Digest: issues challenges (one per algorithm, a shared nonce
 * from the injected random source, signed so a forged nonce is told from a retired one) and
 * checks Authorization values, including nonce-count replay and stale nonces. Clock-free: a
 * nonce ages by the nonces issued after it and by its uses, or all at once by
 * {@link DigestVerifier.retireNonces}.
 */
export class DigestVerifier {
  readonly #realm: string;
  readonly #credentials: DigestVerifierOptions['credentials'];
  /** A list's entries by username, so a registrar with many users finds one without a scan. */
  readonly #byName = new Map<string, DigestCredentials[]>();
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #qop: readonly Qop[];
  readonly #proxy: boolean;
  readonly #userhash: boolean;
  readonly #opaque: boolean;
  readonly #random: RandomSource;
  readonly #key: Uint8Array;
  readonly #nonces: NonceStore;
  readonly #maxUses: number;

  constructor(options: DigestVerifierOptions) {
    this.#realm = options.realm;
    this.#credentials = options.credentials;
    if (typeof options.credentials !== 'function') {
      for (const c of options.credentials) {
        const same = this.#byName.get(c.username);
        if (same) same.push(c);
        else this.#byName.set(c.username, [c]);
      }
    }
    this.#algorithms = options.algorithms ?? ['SHA-256', 'MD5'];
    this.#qop = options.qop ?? ['auth'];
    this.#proxy = options.proxy ?? false;
    this.#userhash = options.userhash ?? false;
    this.#opaque = options.opaque ?? true;
    this.#random = options.random ?? cryptoRandom;
    this.#key = this.#random(32);
    this.#nonces = new NonceStore(options.maxNonces ?? 1024);
    this.#maxUses = options.maxNonceUses ?? 1000;
  }

  /** The realm this verifier guards. */
  get realm(): string {
    return this.#realm;
  }

  /** The header challenges go in. */
  get challengeHeader(): 'WWW-Authenticate' | 'Proxy-Authenticate' {
    return this.#proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  }

  /** The status that carries challenges: 401, or 407 for a proxy. */
  get challengeStatus(): 401 | 407 {
    return this.#proxy ? 407 : 401;
  }

  /** Fresh challenges, one per configured algorithm, sharing one new nonce. */
  challenge(options: { stale?: boolean } = {}): AuthValue[] {
    const nonce = this.#newNonce();
    return this.#algorithms.map((algorithm) => {
      const params = new Params();
      params.set('realm', this.#realm, true);
      if (this.#qop.length > 0) params.set('qop', this.#qop.join(','), true);
      params.set('algorithm', algorithm, false);
      params.set('nonce', nonce, true);
      if (this.#opaque) params.set('opaque', this.#opaqueFor(nonce), true);
      if (options.stale) params.set('stale', 'true', false);
      if (this.#userhash) params.set('userhash', 'true', false);
      return new AuthValue('Digest', params);
    });
  }

  /** Makes every nonce issued so far stale (e.g. on a key roll or a test of `stale=true`). */
  retireNonces(): void {
    this.#nonces.clear();
  }

  /** Checks the request's Authorization (Proxy-Authorization for a proxy) for this realm. */
  async verify(request: AuthRequest): Promise<VerifyResult> {
    const name = this.#proxy ? 'proxy-authorization' : 'authorization';
    const values: AuthValue[] = [];
    let broken = false;
    for (const raw of request.headers?.getAll(name) ?? []) {
      try {
        const value = parseAuth(raw, name);
        if (isScheme(value, 'digest')) values.push(value);
      } catch {
        // A line that does not parse (a parameter twice, say) is nobody's answer, but it was sent.
        broken = true;
      }
    }
    const mine = values.find((v) => v.param('realm') === this.#realm);
    if (!mine) return this.#fail(broken ? 'malformed' : values.length > 0 ? 'wrong-realm' : 'missing');
    return this.#check(mine, request);
  }

  async #check(value: AuthValue, request: AuthRequest): Promise<VerifyResult> {
    const nonce = value.param('nonce');
    const uri = value.param('uri');
    const response = value.param('response');
    const userhash = flag(value, 'userhash');
    const starred = value.param('username*');
    const username = starred !== undefined && !userhash ? decodeExtValue(starred) : value.param('username');
    if (!nonce || uri === undefined || !response || username === undefined) return this.#fail('malformed');
    if (userhash && !this.#userhash) return this.#fail('malformed');

    const algorithm = parseAlgorithm(value.param('algorithm'));
    if (!algorithm || !this.#algorithms.includes(algorithm)) return this.#fail('unsupported-algorithm');
    const hash = hashOf(algorithm);

    const qopText = value.param('qop');
    const nc = value.param('nc');
    const cnonce = value.param('cnonce');
    let qop: Qop | undefined;
    if (this.#qop.length > 0) {
      // An answer without qop to a challenge with qop would be a downgrade to RFC 2069.
      if (qopText === undefined || !this.#qop.includes(qopText as Qop)) return this.#fail('malformed');
      if (!nc || !/^[0-9a-fA-F]{8}$/.test(nc) || !cnonce) return this.#fail('malformed');
      qop = qopText as Qop;
    } else if (qopText !== undefined || nc !== undefined) return this.#fail('malformed');
    if (isSession(algorithm) && !cnonce) return this.#fail('malformed');

    if (!sameUri(uri, String(request.uri))) return this.#fail('uri-mismatch');
    if (!this.#signed(nonce)) return this.#fail('unknown-nonce');
    if (this.#opaque && value.param('opaque') !== this.#opaqueFor(nonce))
      return this.#fail('opaque-mismatch');

    const credentials = await this.#lookup(username, userhash, hash);
    if (!credentials) return this.#fail('unknown-user');
    let ha1: string;
    try {
      ha1 = credentials.ha1For(hash, this.#realm);
    } catch (e) {
      if (e instanceof AuthenticationError && e.code === 'realm-mismatch') return this.#fail('wrong-realm');
      return this.#fail('unsupported-algorithm');
    }
    const expected = computeResponse({
      algorithm,
      ha1,
      nonce,
      method: request.method,
      uri,
      ...(cnonce !== undefined ? { cnonce } : {}),
      ...(qop !== undefined && nc !== undefined ? { qop, nc } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    if (!constantTimeEqual(expected, response.toLowerCase())) return this.#fail('bad-response');

    // Only a correct answer may be told its nonce is stale (RFC 7616 section 3.3).
    const state = this.#nonces.get(nonce);
    if (!state) return this.#fail('stale');
    if (qop !== undefined) {
      const count = Number.parseInt(nc!, 16);
      if (state.seen.has(count)) return this.#fail('replay');
      state.seen.add(count);
    } else if (state.uses > 0) {
      // Without nc an RFC 2069 nonce cannot tell a replay from a new request: one use only.
      return this.#fail('replay');
    }
    state.uses++;
    if (state.uses >= this.#maxUses) this.#nonces.retire(nonce);
    return { ok: true, username: credentials.username, realm: this.#realm, algorithm, qop };
  }

  async #lookup(username: string, userhash: boolean, hash: HashName): Promise<DigestCredentials | undefined> {
    const source = this.#credentials;
    if (typeof source === 'function') return source(username, { realm: this.#realm, userhash, hash });
    const list = source as readonly DigestCredentials[];
    if (!userhash) {
      // Prefer the entry bound to this realm; one bound elsewhere is then reported as wrong-realm.
      const named = this.#byName.get(username);
      return named?.find((c) => c.matchesRealm(this.#realm)) ?? named?.[0];
    }
    const wanted = username.toLowerCase();
    return list.find(
      (c) => c.matchesRealm(this.#realm) && computeUserhash(hash, c.username, this.#realm) === wanted,
    );
  }

  #fail(reason: VerifyFailure): VerifyResult {
    return {
      ok: false,
      reason,
      status: this.challengeStatus,
      header: this.challengeHeader,
      challenges: this.challenge({ stale: reason === 'stale' }),
    };
  }

  #newNonce(): string {
    const body = toHex(this.#random(NONCE_RANDOM_BYTES));
    const nonce = body + this.#tag(body);
    this.#nonces.add(nonce);
    return nonce;
  }

  #tag(body: string): string {
    return toHex(hmac(sha256, this.#key, utf8(`nonce:${body}`)).subarray(0, TAG_BYTES));
  }

  /** Whether a nonce was made by this verifier (live or retired), as opposed to forged. */
  #signed(nonce: string): boolean {
    const split = NONCE_RANDOM_BYTES * 2;
    if (nonce.length !== split + TAG_BYTES * 2) return false;
    return constantTimeEqual(this.#tag(nonce.slice(0, split)), nonce.slice(split));
  }

  #opaqueFor(nonce: string): string {
    return toHex(hmac(sha256, this.#key, utf8(`opaque:${nonce}`)).subarray(0, 16));
  }
}

/** The digest `uri` must name the Request-URI; escapes may differ, so compare canonical forms too. */
function sameUri(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  try {
    return parseUri(digestUri).toString() === parseUri(requestUri).toString();
  } catch {
    return false;
  }
}
