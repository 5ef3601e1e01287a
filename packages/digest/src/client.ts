import { AuthValue, type Headers, Params, parseAuth } from '@sipkit/parser';
import type { BearerCredentials } from './bearer.js';
import {
  type AuthorizationHeaderName,
  answerHeader,
  type Challenge,
  type ChallengeHeader,
  flag,
  isScheme,
  qopOptions,
  readChallenges,
} from './challenge.js';
import { computeResponse, computeUserhash, formatNc, type Qop } from './compute.js';
import { DigestCredentials } from './credentials.js';
import { AuthenticationError } from './errors.js';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, hashOf, isSession, parseAlgorithm } from './hash.js';
import { cryptoRandom, type RandomSource, toBase64 } from './random.js';
import { encodeExtValue, isAscii } from './username.js';

/** Anything with a string form, such as a parsed URI. */
export interface Stringable {
  /** The form used as the digest `uri`. */
  toString(): string;
}

/** Any credentials a {@link DigestClient} can hold. */
export type Credentials = DigestCredentials | BearerCredentials;

/**
 * The request being sent or retried. A `SipRequest` fits as is. `headers`, when given, lets the
 * client see the credentials the request already carried, and so tell a refused secret (error)
 * from an expired nonce or token (answer again).
 */
export interface AuthRequest {
  /** The request method (hashed into HA2). */
  method: string;
  /** The Request-URI; its string form is the digest `uri`. */
  uri: string | Stringable;
  /** Body bytes, hashed for `qop=auth-int`. */
  body?: Uint8Array;
  /** The request's headers, with any credentials it already carried. */
  headers?: Headers;
}

/** One header to add to the retried request: `request.headers.append(h.name, h.value)`. */
export interface AuthorizationHeader {
  /** Authorization for a WWW-Authenticate challenge, Proxy-Authorization for Proxy-Authenticate. */
  name: AuthorizationHeaderName;
  /** The credentials value; serialises with the quoting of RFC 7616 / RFC 3261. */
  value: AuthValue;
  /** The realm answered (undefined for a Bearer challenge without realm). */
  realm: string | undefined;
}

/** Settings of a {@link DigestClient}. */
export interface DigestClientOptions {
  /** One set of credentials or several (e.g. one per realm); the first that fits a realm answers it. */
  credentials: Credentials | readonly Credentials[];
  /** Algorithms this client may answer with; default: all of {@link DIGEST_ALGORITHMS}. */
  algorithms?: readonly DigestAlgorithm[];
  /** Answer `qop=auth-int` when the challenge offers both `auth` and `auth-int`. Default false. */
  preferAuthInt?: boolean;
  /** Random bytes for cnonce; default Web Crypto. */
  random?: RandomSource;
  /** Random bytes per cnonce, sent base64-encoded. Default 18 (24 characters). */
  cnonceBytes?: number;
  /**
   * JsSIP's habit: after the first answer made from a password, replace those credentials with
   * the HA1 just computed, bound to that realm and hash. Later challenges in another realm or
   * with another hash then fail, as they would in JsSIP. Default false.
   */
  replacePasswordWithHa1?: boolean;
  /** How many nonces the client keeps nonce counts for. Default 64. */
  maxNonces?: number;
  /**
   * Keep the challenges answered, for {@link DigestClient.reauthorize}. Default true; a client
   * that only ever answers challenges (thousands of user agents each holding one) can say false,
   * and `reauthorize` then returns nothing.
   */
  reauthorize?: boolean;
}

/**
 * What an answered Digest challenge leaves behind for {@link DigestClient.reauthorize}: only the
 * values an answer echoes, as flat strings, not the parsed header (which may keep the whole
 * response text alive). Thousands of registered clients each keep one of these per realm.
 */
interface DigestChallengeState {
  realm: string;
  nonce: string;
  /** `algorithm` as the server wrote it; absent stays absent. */
  algorithm: string | undefined;
  opaque: string | undefined;
  /** The raw `qop` parameter. */
  qop: string | undefined;
  userhash: boolean;
  charset: string | undefined;
}

/** One realm answered before (per header and realm): one flat object per realm. */
type Remembered =
  | { header: ChallengeHeader; realm: string | undefined; credentials: BearerCredentials }
  | (DigestChallengeState & {
      header: ChallengeHeader;
      credentials: DigestCredentials;
      /** The algorithm chosen. */
      chosen: DigestAlgorithm;
    });

/** Values that recur in every challenge: kept once, not once per client. */
const COMMON_VALUES = new Map(
  [...DIGEST_ALGORITHMS, 'md5', 'auth', 'auth-int', 'auth,auth-int', 'auth-int,auth', 'true', 'false'].map(
    (v) => [v, v],
  ),
);

/**
 * A copy of `text` that does not share memory with the (larger) string it was cut from; common
 * values and `same` (a string already held, such as the configured realm) are reused instead.
 */
function own(text: string, same?: string): string;
function own(text: string | undefined, same?: string): string | undefined;
function own(text: string | undefined, same?: string): string | undefined {
  if (text === undefined) return undefined;
  if (text === same) return same;
  return COMMON_VALUES.get(text) ?? (JSON.parse(JSON.stringify(text)) as string);
}

/** Realms seen lately: thousands of clients of one server keep one copy of its realm. */
const realms = new Map<string, string>();
const MAX_REALMS = 64;

/** `realm` as a string of its own, shared with other clients that saw the same realm. */
function ownRealm(realm: string, same?: string): string {
  if (realm === same) return same;
  let kept = realms.get(realm);
  if (kept === undefined) {
    kept = own(realm);
    if (realms.size < MAX_REALMS) realms.set(kept, kept);
  }
  return kept;
}

/** The parts of a parsed Digest challenge an answer needs; `realm` is reused when equal. */
function challengeState(value: AuthValue, realm?: string): DigestChallengeState {
  return {
    realm: ownRealm(value.param('realm')!, realm),
    nonce: own(value.param('nonce')!),
    algorithm: own(value.param('algorithm')),
    opaque: own(value.param('opaque')),
    qop: own(value.param('qop')),
    userhash: flag(value, 'userhash'),
    charset: own(value.param('charset')),
  };
}

/** The qop options of a challenge state, lower-cased. */
function qopList(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((q) => q.trim().toLowerCase())
    .filter((q) => q.length > 0);
}

interface Pick {
  credentials: Credentials;
  algorithm?: DigestAlgorithm;
}

/** The settings of a client, shared by every client made with equal options. */
interface Settings {
  readonly allowed: readonly DigestAlgorithm[];
  readonly random: RandomSource;
  readonly cnonceBytes: number;
  readonly preferAuthInt: boolean;
  readonly replace: boolean;
  readonly maxNonces: number;
  readonly keep: boolean;
}

/** Settings by random source, then by the other options: thousands of clients share one object. */
const settingsCache = new WeakMap<RandomSource, Map<string, Settings>>();

function settingsOf(options: DigestClientOptions): Settings {
  const settings: Settings = {
    allowed: options.algorithms ?? DIGEST_ALGORITHMS,
    random: options.random ?? cryptoRandom,
    cnonceBytes: options.cnonceBytes ?? 18,
    preferAuthInt: options.preferAuthInt ?? false,
    replace: options.replacePasswordWithHa1 ?? false,
    maxNonces: options.maxNonces ?? 64,
    keep: options.reauthorize ?? true,
  };
  const key = [
    settings.allowed.join(','),
    settings.cnonceBytes,
    settings.preferAuthInt,
    settings.replace,
    settings.maxNonces,
    settings.keep,
  ].join('|');
  let byKey = settingsCache.get(settings.random);
  if (!byKey) {
    byKey = new Map();
    settingsCache.set(settings.random, byKey);
  }
  const shared = byKey.get(key);
  if (shared) return shared;
  byKey.set(key, settings);
  return settings;
}

/** How far a challenge got before it was turned down; the error of the furthest one is reported. */
type Stage = 1 | 2 | 3;

/**
 * The UAC side of HTTP Digest (RFC 2617, 7616, 8760) and Bearer (RFC 8898) for SIP.
 * Holds the credentials and the nonce counts, chooses per realm the topmost challenge it may
 * answer, and builds the Authorization / Proxy-Authorization values for every realm challenged.
 */
export class DigestClient {
  // Never changed in place (replacePasswordWithHa1 swaps in a new array): the caller's array is
  // kept. A lone credential is kept without an array.
  #held: Credentials | readonly Credentials[];
  readonly #settings: Settings;
  // Nonce counts, most recent nonce in fields (the usual single nonce costs no map).
  #ncNonce: string | undefined;
  #ncCount = 0;
  /** Older nonces and their counts, `[nonce, count, nonce, count, ...]`, least recently used first. */
  #ncOlder: (string | number)[] | undefined;
  /** Realms answered: usually one, kept without an array. */
  #remembered: Remembered | Remembered[] | undefined;
  /** `response` values this client sent unprompted; a challenge to one of them is not a refusal. */
  #preemptive: Set<string> | undefined;

  constructor(options: DigestClientOptions) {
    const given = options.credentials;
    this.#held = Array.isArray(given) && given.length === 1 ? (given as readonly Credentials[])[0]! : given;
    this.#settings = settingsOf(options);
  }

  /** The credentials held now (changes under `replacePasswordWithHa1`). */
  get credentials(): readonly Credentials[] {
    return this.#credentials;
  }

  get #credentials(): readonly Credentials[] {
    const held = this.#held;
    return Array.isArray(held) ? (held as readonly Credentials[]) : [held as Credentials];
  }

  /**
   * Answers a 401/407: one header per challenged realm. Throws {@link AuthenticationError} when a
   * realm cannot be answered or when the request already carried a refused answer.
   */
  async authorize(
    challenges: Parameters<typeof readChallenges>[0],
    request: AuthRequest,
  ): Promise<AuthorizationHeader[]> {
    const groups = new Map<string, Challenge[]>();
    for (const c of readChallenges(challenges)) {
      const key = `${c.header}\n${c.value.param('realm') ?? ''}`;
      const group = groups.get(key);
      if (group) group.push(c);
      else groups.set(key, [c]);
    }
    const out: AuthorizationHeader[] = [];
    for (const group of groups.values()) {
      const pick = this.#choose(group);
      const challenge = group.find((c) => c.value === pick.challenge)!;
      const header = challenge.header;
      const realm = challenge.value.param('realm');
      const carried = carriedCredentials(request.headers, answerHeader(header));
      let value: AuthValue;
      const credentials = pick.credentials;
      if (credentials.kind === 'digest') {
        const previous = carried.find((v) => isScheme(v, 'digest') && v.param('realm') === realm);
        const sent = previous?.param('response');
        if (previous && !flag(challenge.value, 'stale') && !(sent && this.#preemptive?.has(sent))) {
          throw new AuthenticationError(
            'rejected-credentials',
            `the server refused the credentials for realm "${realm}"`,
            realm,
          );
        }
        const state = challengeState(challenge.value, credentials.realm);
        let answered: DigestCredentials;
        ({ value, credentials: answered } = this.#answerDigest(state, credentials, pick.algorithm!, request));
        // Written out, not spread: a spread literal gets a hidden class of its own per object.
        if (this.#settings.keep)
          this.#remember({
            header,
            credentials: answered,
            chosen: pick.algorithm!,
            realm: state.realm,
            nonce: state.nonce,
            algorithm: state.algorithm,
            opaque: state.opaque,
            qop: state.qop,
            userhash: state.userhash,
            charset: state.charset,
          });
      } else {
        const previous = carried.find((v) => isScheme(v, 'bearer') && v.token68 !== undefined);
        let rejected = previous?.token68;
        if (rejected === undefined && challenge.value.param('error') === 'invalid_token') {
          rejected = credentials.cachedToken();
        }
        const token = await credentials.token(bearerContext(challenge.value), rejected);
        value = new AuthValue('Bearer', new Params(), token);
        if (this.#settings.keep)
          this.#remember({
            header,
            realm: realm === undefined ? undefined : ownRealm(realm, credentials.realm),
            credentials,
          });
      }
      out.push({ name: answerHeader(header), value, realm });
    }
    return out;
  }

  /**
   * Credentials for a new request from the challenges answered before (the next nonce count on
   * the same nonce; the cached Bearer token), so a refresh REGISTER need not be challenged.
   * Empty when nothing was answered yet.
   */
  reauthorize(request: AuthRequest): AuthorizationHeader[] {
    const out: AuthorizationHeader[] = [];
    const remembered = this.#remembered;
    const list = remembered === undefined ? [] : Array.isArray(remembered) ? remembered : [remembered];
    for (const r of list) {
      const realm = r.realm;
      if ('chosen' in r) {
        const { value } = this.#answerDigest(r, r.credentials, r.chosen, request);
        const response = value.param('response')!;
        this.#preemptive ??= new Set();
        const preemptive = this.#preemptive;
        preemptive.add(response);
        if (preemptive.size > this.#settings.maxNonces) preemptive.delete(preemptive.values().next().value!);
        out.push({ name: answerHeader(r.header), value, realm });
      } else {
        const token = r.credentials.cachedToken();
        if (token !== undefined) {
          out.push({
            name: answerHeader(r.header),
            value: new AuthValue('Bearer', new Params(), token),
            realm,
          });
        }
      }
    }
    return out;
  }

  /** Forgets answered challenges and nonce counts (e.g. after unregistering). */
  reset(): void {
    this.#remembered = undefined;
    this.#ncNonce = undefined;
    this.#ncCount = 0;
    this.#ncOlder = undefined;
    this.#preemptive = undefined;
  }

  /** Keeps what a later {@link reauthorize} needs, in place of the entry of the same header and realm. */
  #remember(entry: Remembered): void {
    const same = (r: Remembered) => r.header === entry.header && (r.realm ?? '') === (entry.realm ?? '');
    const current = this.#remembered;
    if (current === undefined || (!Array.isArray(current) && same(current))) {
      this.#remembered = entry;
      return;
    }
    const list = Array.isArray(current) ? current : [current];
    this.#remembered = list;
    const i = list.findIndex(same);
    if (i >= 0) list[i] = entry;
    else list.push(entry);
  }

  #choose(group: Challenge[]): Pick & { challenge: AuthValue } {
    let error: AuthenticationError | undefined;
    let stage = 0;
    const note = (s: Stage, e: AuthenticationError) => {
      if (s > stage) {
        stage = s;
        error = e;
      }
    };
    for (const { value } of group) {
      const realm = value.param('realm');
      if (isScheme(value, 'digest')) {
        const algorithm = parseAlgorithm(value.param('algorithm'));
        if (!algorithm || !this.#settings.allowed.includes(algorithm)) {
          note(
            1,
            new AuthenticationError(
              'no-supported-algorithm',
              `algorithm ${value.param('algorithm')} is not allowed`,
              realm,
            ),
          );
          continue;
        }
        const qops = qopOptions(value);
        if (qops.length > 0 && !qops.includes('auth') && !qops.includes('auth-int')) {
          note(
            1,
            new AuthenticationError(
              'no-supported-algorithm',
              `qop ${value.param('qop')} is not supported`,
              realm,
            ),
          );
          continue;
        }
        if (realm === undefined || value.param('nonce') === undefined) {
          note(
            1,
            new AuthenticationError('malformed-challenge', 'a Digest challenge lacks realm or nonce', realm),
          );
          continue;
        }
        const digest = this.#credentials.filter((c): c is DigestCredentials => c.kind === 'digest');
        if (digest.length === 0) {
          note(
            2,
            new AuthenticationError('missing-credentials', 'no digest credentials are configured', realm),
          );
          continue;
        }
        const inRealm = digest.filter((c) => c.matchesRealm(realm));
        if (inRealm.length === 0) {
          note(
            2,
            new AuthenticationError('realm-mismatch', `no credentials are bound to realm "${realm}"`, realm),
          );
          continue;
        }
        const able = inRealm.find((c) => c.canAnswer(hashOf(algorithm), realm));
        if (!able) {
          note(
            3,
            new AuthenticationError(
              'no-supported-algorithm',
              `no ${hashOf(algorithm)} HA1 is held for realm "${realm}"`,
              realm,
            ),
          );
          continue;
        }
        return { challenge: value, credentials: able, algorithm };
      }
      if (isScheme(value, 'bearer')) {
        const bearer = this.#credentials.filter((c): c is BearerCredentials => c.kind === 'bearer');
        if (bearer.length === 0) {
          note(
            2,
            new AuthenticationError('missing-credentials', 'no bearer credentials are configured', realm),
          );
          continue;
        }
        const able = bearer.find((c) => c.matchesRealm(realm));
        if (!able) {
          note(
            2,
            new AuthenticationError(
              'realm-mismatch',
              `no bearer credentials are bound to realm "${realm}"`,
              realm,
            ),
          );
          continue;
        }
        return { challenge: value, credentials: able };
      }
      note(
        1,
        new AuthenticationError('no-supported-algorithm', `scheme ${value.scheme} is not supported`, realm),
      );
    }
    throw error!;
  }

  #answerDigest(
    challenge: DigestChallengeState,
    credentials: DigestCredentials,
    algorithm: DigestAlgorithm,
    request: AuthRequest,
  ): { value: AuthValue; credentials: DigestCredentials } {
    const realm = challenge.realm;
    const nonce = challenge.nonce;
    const hash = hashOf(algorithm);
    const qops = qopList(challenge.qop);
    let qop: Qop | undefined;
    if (qops.length > 0) {
      const int = qops.includes('auth-int');
      qop = int && (this.#settings.preferAuthInt || !qops.includes('auth')) ? 'auth-int' : 'auth';
    }
    // RFC 2069 form has no cnonce, but a -sess HA1 cannot be made without one.
    const cnonce =
      qop || isSession(algorithm) ? toBase64(this.#settings.random(this.#settings.cnonceBytes)) : undefined;
    const nc = qop ? formatNc(this.#nextNc(nonce)) : undefined;
    const uri = String(request.uri);
    const ha1 = credentials.ha1For(hash, realm);
    const response = computeResponse({
      algorithm,
      ha1,
      nonce,
      method: request.method,
      uri,
      ...(cnonce !== undefined ? { cnonce } : {}),
      ...(nc !== undefined ? { nc } : {}),
      ...(qop !== undefined ? { qop } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    if (this.#settings.replace && credentials.hasPassword) {
      const replacement = DigestCredentials.fromHa1({
        username: credentials.username,
        realm,
        ha1: { [hash]: ha1 },
      });
      const held = this.#held;
      this.#held = Array.isArray(held) ? held.map((c) => (c === credentials ? replacement : c)) : replacement;
      credentials = replacement;
    }

    const params = new Params();
    const userhash = challenge.userhash;
    if (userhash) params.set('username', computeUserhash(hash, credentials.username, realm), true);
    else if (!isAscii(credentials.username) && challenge.charset?.toUpperCase() === 'UTF-8') {
      params.set('username*', encodeExtValue(credentials.username), false);
    } else params.set('username', credentials.username, true);
    params.set('realm', realm, true);
    params.set('nonce', nonce, true);
    params.set('uri', uri, true);
    params.set('response', response, true);
    // Echo the algorithm as the server wrote it; absent stays absent (MD5 by default).
    const written = challenge.algorithm;
    if (written !== undefined) params.set('algorithm', written, false);
    if (cnonce !== undefined) params.set('cnonce', cnonce, true);
    const opaque = challenge.opaque;
    if (opaque !== undefined) params.set('opaque', opaque, true);
    if (qop !== undefined) params.set('qop', qop, false);
    if (nc !== undefined) params.set('nc', nc, false);
    if (userhash) params.set('userhash', 'true', false);
    return { value: new AuthValue('Digest', params), credentials };
  }

  /** The next nonce count for `nonce`; counts of the `maxNonces` most recently used nonces are kept. */
  #nextNc(nonce: string): number {
    if (this.#settings.maxNonces <= 0) return 1;
    if (nonce === this.#ncNonce) return ++this.#ncCount;
    let older = this.#ncOlder;
    let count = 1;
    if (older) {
      const i = older.indexOf(nonce);
      if (i >= 0) {
        count = (older[i + 1] as number) + 1;
        older.splice(i, 2);
      }
    }
    if (this.#ncNonce !== undefined) {
      older ??= [];
      older.push(this.#ncNonce, this.#ncCount);
      // The most recent nonce lives in the fields, so the list holds at most maxNonces - 1.
      while (older.length > 2 * (this.#settings.maxNonces - 1)) older.splice(0, 2);
    }
    this.#ncOlder = older && older.length > 0 ? older : undefined;
    // Callers pass the nonce of a remembered challenge: already a string of its own.
    this.#ncNonce = nonce;
    this.#ncCount = count;
    return count;
  }
}

/**
 * Puts answers into a request's headers: replaces lines of the same header that answer the same
 * realm (or, for Bearer, any Bearer line), keeps the others (credentials for other proxies).
 */
export function applyAuthorization(headers: Headers, answers: readonly AuthorizationHeader[]): void {
  for (const name of ['Authorization', 'Proxy-Authorization'] as const) {
    const mine = answers.filter((a) => a.name === name);
    if (mine.length === 0) continue;
    const keep = headers.getAll(name).filter((raw) => {
      const value = safeParse(raw, name);
      if (!value) return true;
      return !mine.some((a) =>
        isScheme(a.value, 'bearer') ? isScheme(value, 'bearer') : value.param('realm') === a.realm,
      );
    });
    headers.delete(name);
    for (const raw of keep) headers.append(name, raw);
    for (const a of mine) headers.append(name, a.value);
  }
}

function carriedCredentials(headers: Headers | undefined, name: AuthorizationHeaderName): AuthValue[] {
  if (!headers) return [];
  const out: AuthValue[] = [];
  for (const raw of headers.getAll(name)) {
    const value = safeParse(raw, name);
    if (value) out.push(value);
  }
  return out;
}

function safeParse(raw: string, name: string): AuthValue | undefined {
  try {
    return parseAuth(raw, name.toLowerCase());
  } catch {
    return undefined;
  }
}

function bearerContext(challenge: AuthValue) {
  const context: { realm?: string; scope?: string; authzServer?: string; error?: string } = {};
  const realm = challenge.param('realm');
  const scope = challenge.param('scope');
  const authzServer = challenge.param('authz_server');
  const error = challenge.param('error');
  if (realm !== undefined) context.realm = realm;
  if (scope !== undefined) context.scope = scope;
  if (authzServer !== undefined) context.authzServer = authzServer;
  if (error !== undefined) context.error = error;
  return context;
}
