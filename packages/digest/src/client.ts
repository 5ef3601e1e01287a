import { AuthValue, type Headers, Params, parseAuth } from '@sipkit/parser';
import type { BearerCredentials } from './bearer.js';
import {
  type AuthorizationHeaderName,
  answerHeader,
  type Challenge,
  type ChallengeHeader,
  flag,
  isScheme,
  qopList,
  readChallenges,
} from './challenge.js';
import { computeUserhash, digestResponse, formatNc, type Qop } from './compute.js';
import { DigestCredentials } from './credentials.js';
import { AuthenticationError, type AuthenticationErrorCode } from './errors.js';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, hashOf, isSession, parseAlgorithm } from './hash.js';
import { cryptoRandom, type RandomSource, toBase64 } from './random.js';
import { realmRank } from './realm.js';
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
  /**
   * The headers of the request the challenge answered, for a caller that builds the retry in
   * `headers` without the credentials it replaces (a registerer counting its own attempts). A
   * Bearer token found there was refused, so the provider is asked for a new one; Digest answers
   * there are not judged (the caller decides how often to retry).
   */
  challenged?: Headers;
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
  /**
   * One set of credentials or several (e.g. one per realm). For a realm, credentials bound to
   * exactly it answer first, then those bound by a `*` pattern, then those for any realm; the
   * first in list order among equals.
   */
  credentials: Credentials | readonly Credentials[];
  /** Algorithms this client may answer with; default: all of {@link DIGEST_ALGORITHMS}. */
  algorithms?: readonly DigestAlgorithm[];
  /**
   * The qop values this client may answer, most preferred first. A challenge whose qop list
   * holds none of them is not answered (`no-supported-algorithm`); one without qop gets the
   * RFC 2069 answer. Default `['auth', 'auth-int']` (`['auth-int', 'auth']` with `preferAuthInt`).
   */
  qop?: readonly Qop[];
  /** Answer `qop=auth-int` when the challenge offers both `auth` and `auth-int`. Default false; `qop` overrides it. */
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
   * Keep nonce counts only for the nonces of the challenges remembered for
   * {@link DigestClient.reauthorize} (one per realm, at most `maxNonces`): a realm's old nonce is
   * forgotten when it gets a new one. A long-lived client then holds one count per realm answered,
   * never a history of nonces. Default false (the `maxNonces` most recently used).
   */
  countsPerRealm?: boolean;
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
interface DigestState {
  header: ChallengeHeader;
  credentials: DigestCredentials;
  /** The algorithm chosen. */
  chosen: DigestAlgorithm;
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
  | DigestState;

/**
 * Strings kept once for all clients: values that recur in every challenge, then realms seen
 * lately (thousands of clients of one server keep one copy of its realm).
 */
const shared = new Map(
  [...DIGEST_ALGORITHMS, 'md5', 'auth', 'auth-int', 'auth,auth-int', 'auth-int,auth', 'true', 'false'].map(
    (v) => [v, v],
  ),
);
/** How many realms may join the common values in {@link shared}. */
const MAX_SHARED = shared.size + 64;

/**
 * A copy of `text` that does not share memory with the (larger) string it was cut from; `same` (a
 * string already held, such as the configured realm) and shared strings are reused instead. With
 * `share` (realms) a new copy is shared from then on.
 */
function own(text: string, same?: string, share?: boolean): string;
function own(text: string | undefined): string | undefined;
function own(text: string | undefined, same?: string, share?: boolean): string | undefined {
  if (text === undefined) return text;
  if (text === same) return same;
  let kept = shared.get(text);
  if (kept === undefined) {
    kept = JSON.parse(JSON.stringify(text)) as string;
    if (share && shared.size < MAX_SHARED) shared.set(kept, kept);
  }
  return kept;
}

/** The parts of a Digest challenge an answer needs, as strings of their own; `realm` is reused when equal. */
function digestState(
  { header, value }: Challenge,
  credentials: DigestCredentials,
  chosen: DigestAlgorithm,
): DigestState {
  const param = (name: string) => own(value.param(name));
  // Written out, not spread: a spread literal gets a hidden class of its own per object.
  return {
    header,
    credentials,
    chosen,
    realm: own(value.param('realm')!, credentials.realm, true),
    nonce: param('nonce')!,
    algorithm: param('algorithm'),
    opaque: param('opaque'),
    qop: param('qop'),
    userhash: flag(value, 'userhash'),
    charset: param('charset'),
  };
}

/** A value held alone or in a list, as a list. */
function listOf<T>(held: T | readonly T[] | undefined): readonly T[] {
  return held === undefined ? [] : Array.isArray(held) ? (held as readonly T[]) : [held as T];
}

/** The challenge of a group to answer, with what answers it. */
interface Pick {
  challenge: Challenge;
  credentials: Credentials;
  algorithm?: DigestAlgorithm;
}

/**
 * Why a challenge cannot be answered: how far it got (the error of the furthest one is reported),
 * the error code and message.
 */
type Refusal = [stage: 1 | 2 | 3, code: AuthenticationErrorCode, message: string];

/** The settings of a client, shared by every client made with equal options. */
interface Settings {
  readonly allowed: readonly DigestAlgorithm[];
  readonly random: RandomSource;
  readonly cnonceBytes: number;
  readonly qop: readonly Qop[];
  readonly replace: boolean;
  readonly maxNonces: number;
  readonly keep: boolean;
  readonly perRealm: boolean;
}

/** Settings by random source, then by the other options: thousands of clients share one object. */
const settingsCache = new WeakMap<RandomSource, Map<string, Settings>>();

function settingsOf(options: DigestClientOptions): Settings {
  const settings: Settings = {
    allowed: options.algorithms ?? DIGEST_ALGORITHMS,
    random: options.random ?? cryptoRandom,
    cnonceBytes: options.cnonceBytes ?? 18,
    qop: options.qop ?? (options.preferAuthInt ? ['auth-int', 'auth'] : ['auth', 'auth-int']),
    replace: options.replacePasswordWithHa1 ?? false,
    maxNonces: options.maxNonces ?? 64,
    keep: options.reauthorize ?? true,
    perRealm: options.countsPerRealm ?? false,
  };
  // Every option but the random source, which keys the outer map.
  const key = JSON.stringify({ ...settings, random: 0 });
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
  #preemptive: string | Set<string> | undefined;

  constructor(options: DigestClientOptions) {
    const given = options.credentials;
    this.#held = Array.isArray(given) && given.length === 1 ? (given as readonly Credentials[])[0]! : given;
    this.#settings = settingsOf(options);
  }

  /** The credentials held now (changes under `replacePasswordWithHa1`). */
  get credentials(): readonly Credentials[] {
    return listOf(this.#held);
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
      const { challenge, credentials, algorithm } = this.#choose(group);
      const { header, value: challenged } = challenge;
      const realm = challenged.param('realm');
      const name = answerHeader(header);
      const carried = carriedCredentials(request.headers, name);
      let value: AuthValue;
      if (credentials.kind === 'digest') {
        const previous = carried.find((v) => isScheme(v, 'digest') && v.param('realm') === realm);
        const sent = previous?.param('response');
        if (previous && !flag(challenged, 'stale') && !(sent && this.#sentUnprompted(sent))) {
          throw new AuthenticationError(
            'rejected-credentials',
            `the server refused the credentials for realm "${realm}"`,
            realm,
          );
        }
        const state = digestState(challenge, credentials, algorithm!);
        value = this.#answer(state, request);
        if (this.#settings.keep) this.#remember(state);
      } else {
        const refused = carriedCredentials(request.challenged, name);
        value = await credentials.answer(challenged, refused.length > 0 ? [...carried, ...refused] : carried);
        if (this.#settings.keep)
          this.#remember({
            header,
            realm: realm === undefined ? undefined : own(realm, credentials.realm, true),
            credentials,
          });
      }
      out.push({ name, value, realm });
    }
    if (this.#settings.keep) this.#refreshCarried(request, out);
    return out;
  }

  /**
   * Adds to `out` new answers for the Digest credentials `request` carries for realms not
   * challenged now (a proxy's, when the registrar challenges next): sent again as they were, they
   * would repeat their nonce count (RFC 7616 section 3.4.5), which a verifier takes as a replay.
   */
  #refreshCarried(request: AuthRequest, out: AuthorizationHeader[]): void {
    for (const name of ['Authorization', 'Proxy-Authorization'] as const) {
      for (const sent of carriedCredentials(request.headers, name)) {
        const realm = sent.param('realm');
        if (!isScheme(sent, 'digest') || out.some((a) => a.name === name && a.realm === realm)) continue;
        const r = listOf(this.#remembered).find(
          (r): r is DigestState =>
            'chosen' in r &&
            answerHeader(r.header) === name &&
            r.realm === realm &&
            r.nonce === sent.param('nonce'),
        );
        if (!r) continue;
        const value = this.#answer(r, request);
        this.#keepUnprompted(value.param('response')!);
        out.push({ name, value, realm });
      }
    }
  }

  /**
   * Credentials for a new request from the challenges answered before (the next nonce count on
   * the same nonce; the cached Bearer token), so a refresh REGISTER need not be challenged.
   * Empty when nothing was answered yet.
   */
  reauthorize(request: AuthRequest): AuthorizationHeader[] {
    const out: AuthorizationHeader[] = [];
    for (const r of listOf(this.#remembered)) {
      let value: AuthValue | undefined;
      if ('chosen' in r) {
        value = this.#answer(r, request);
        this.#keepUnprompted(value.param('response')!);
      } else value = r.credentials.cachedAnswer();
      if (value) out.push({ name: answerHeader(r.header), value, realm: r.realm });
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

  /**
   * Remembers a `response` sent unprompted; the `maxNonces` most recent are kept. One alone (the
   * usual `maxNonces` of 1) is kept as the string, not in a set: thousands of registered clients
   * each keep one.
   */
  #keepUnprompted(response: string): void {
    const max = this.#settings.maxNonces;
    if (max <= 1) {
      this.#preemptive = max === 1 ? response : undefined;
      return;
    }
    const held = this.#preemptive;
    const set = held instanceof Set ? held : new Set(held === undefined ? [] : [held]);
    set.add(response);
    if (set.size > max) set.delete(set.values().next().value!);
    this.#preemptive = set;
  }

  /** True when `response` is one this client sent unprompted (and still remembers). */
  #sentUnprompted(response: string): boolean {
    const held = this.#preemptive;
    return held instanceof Set ? held.has(response) : held === response;
  }

  /** Keeps what a later {@link reauthorize} needs, in place of the entry of the same header and realm. */
  #remember(entry: Remembered): void {
    const same = (r: Remembered) => r.header === entry.header && (r.realm ?? '') === (entry.realm ?? '');
    const current = this.#remembered;
    if (current === undefined || (!Array.isArray(current) && same(current))) {
      this.#remembered = entry;
    } else {
      const list = Array.isArray(current) ? current : [current];
      this.#remembered = list;
      const i = list.findIndex(same);
      if (i >= 0) list[i] = entry;
      else list.push(entry);
    }
    if (this.#settings.perRealm) this.#dropOldCounts();
  }

  /** Forgets the counts of nonces no remembered challenge uses (a realm's nonce before its latest). */
  #dropOldCounts(): void {
    const older = this.#ncOlder;
    if (!older) return;
    const live = listOf(this.#remembered).flatMap((r) => ('chosen' in r ? [r.nonce] : []));
    const kept: (string | number)[] = [];
    for (let i = 0; i < older.length; i += 2) {
      if (live.includes(older[i] as string)) kept.push(older[i]!, older[i + 1]!);
    }
    this.#ncOlder = kept.length > 0 ? kept : undefined;
  }

  /** The topmost challenge of a group this client can answer; else the error of the one that got furthest. */
  #choose(group: Challenge[]): Pick {
    let refusal: Refusal | undefined;
    let realm: string | undefined;
    for (const challenge of group) {
      const fit = this.#fit(challenge);
      if (!Array.isArray(fit)) return fit;
      if (!refusal || fit[0] > refusal[0]) {
        refusal = fit;
        realm = challenge.value.param('realm');
      }
    }
    throw new AuthenticationError(refusal![1], refusal![2], realm);
  }

  /** What answers one challenge, or why nothing does. */
  #fit(challenge: Challenge): Pick | Refusal {
    const value = challenge.value;
    const realm = value.param('realm');
    const scheme = value.scheme.toLowerCase();
    let algorithm: DigestAlgorithm | null = null;
    if (scheme === 'digest') {
      algorithm = parseAlgorithm(value.param('algorithm'));
      if (!algorithm || !this.#settings.allowed.includes(algorithm)) {
        return [1, 'no-supported-algorithm', `algorithm ${value.param('algorithm')} is not allowed`];
      }
      const qops = qopList(value.param('qop'));
      if (qops.length > 0 && !this.#settings.qop.some((q) => qops.includes(q))) {
        return [1, 'no-supported-algorithm', `qop ${value.param('qop')} is not supported`];
      }
      // A -sess HA1 needs a cnonce, and RFC 2617 section 3.2.2 forbids one without qop (RFC 7616
      // servers always send qop): no conforming answer exists.
      if (qops.length === 0 && isSession(algorithm)) {
        return [1, 'no-supported-algorithm', `algorithm ${algorithm} without qop`];
      }
      if (realm === undefined || value.param('nonce') === undefined) {
        return [1, 'malformed-challenge', 'a Digest challenge lacks realm or nonce'];
      }
    } else if (scheme !== 'bearer') {
      return [1, 'no-supported-algorithm', `scheme ${value.scheme} is not supported`];
    }
    const held = this.credentials.filter((c) => c.kind === scheme);
    if (held.length === 0) return [2, 'missing-credentials', `no ${scheme} credentials are configured`];
    // A Bearer challenge without realm matches any binding; a Digest one always has a realm here.
    const inRealm = held.filter((c) => c.matchesRealm(realm as string));
    if (inRealm.length === 0) {
      return [
        2,
        'realm-mismatch',
        `no ${algorithm ? '' : 'bearer '}credentials are bound to realm "${realm}"`,
      ];
    }
    const hash = algorithm && hashOf(algorithm);
    // The closest realm binding able to answer: exact, then a pattern, then any realm.
    let able: Credentials | undefined;
    for (const c of inRealm) {
      if (hash && !(c as DigestCredentials).canAnswer(hash, realm!)) continue;
      if (!able || realmRank(c.realm) > realmRank(able.realm)) able = c;
    }
    if (!algorithm) return { challenge, credentials: able! };
    return able
      ? { challenge, credentials: able, algorithm }
      : [3, 'no-supported-algorithm', `no ${hash} HA1 is held for realm "${realm}"`];
  }

  /** The Digest answer to a challenge; under `replacePasswordWithHa1` swaps in the HA1 credentials. */
  #answer(state: DigestState, request: AuthRequest): AuthValue {
    const settings = this.#settings;
    const { realm, nonce, chosen } = state;
    let credentials = state.credentials;
    const hash = hashOf(chosen);
    const qops = qopList(state.qop);
    const qop = settings.qop.find((q) => qops.includes(q));
    // The RFC 2069 form (no qop) has no cnonce; #fit refuses a -sess challenge without qop.
    const cnonce = qop ? toBase64(settings.random(settings.cnonceBytes)) : undefined;
    const nc = qop && formatNc(this.#nextNc(nonce));
    const uri = String(request.uri);
    const ha1 = credentials.ha1For(hash, realm);
    const response = digestResponse(chosen, ha1, nonce, cnonce, nc, qop, request.method, uri, request.body);
    if (settings.replace && credentials.hasPassword) {
      const replacement = DigestCredentials.fromHa1({
        username: credentials.username,
        realm,
        ha1: { [hash]: ha1 },
      });
      const held = this.#held;
      this.#held = Array.isArray(held) ? held.map((c) => (c === credentials ? replacement : c)) : replacement;
      credentials = replacement;
      state.credentials = replacement;
    }

    const params = new Params();
    const set = (name: string, value: string | undefined, quoted: boolean) => {
      if (value !== undefined) params.set(name, value, quoted);
    };
    const username = credentials.username;
    if (state.userhash) set('username', computeUserhash(hash, username, realm), true);
    else if (!isAscii(username) && state.charset?.toUpperCase() === 'UTF-8') {
      set('username*', encodeExtValue(username), false);
    } else set('username', username, true);
    set('realm', realm, true);
    set('nonce', nonce, true);
    set('uri', uri, true);
    set('response', response, true);
    // Echo the algorithm as the server wrote it; absent stays absent (MD5 by default).
    set('algorithm', state.algorithm, false);
    set('cnonce', cnonce, true);
    set('opaque', state.opaque, true);
    set('qop', qop, false);
    set('nc', nc, false);
    if (state.userhash) set('userhash', 'true', false);
    return new AuthValue('Digest', params);
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
  return headers?.getAll(name).flatMap((raw) => safeParse(raw, name) ?? []) ?? [];
}

function safeParse(raw: string, name: string): AuthValue | undefined {
  try {
    return parseAuth(raw, name.toLowerCase());
  } catch {
    return undefined;
  }
}
