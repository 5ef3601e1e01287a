import { computeHa1 } from './compute.js';
import { AuthenticationError } from './errors.js';
import { type HashName, hexLength, parseHashName } from './hash.js';
import { realmMatches } from './realm.js';
import { INSPECT } from './secret.js';

/**
 * HA1 values by hash name. A plain object rather than a Map: usually one entry, and a registered
 * user agent keeps it for life. Never changed after construction.
 */
type Ha1Table = Readonly<Partial<Record<HashName, string>>>;

/** The HA1 table of password credentials: empty and shared by all of them. */
const NO_HA1: Ha1Table = Object.freeze({});

/** What limits the use of credentials beyond the secret, common to both factories. */
export interface CredentialsRules {
  /**
   * Hashes these credentials may answer with (Asterisk `supported_algorithms_uac`); a `-sess`
   * algorithm counts as its hash. Absent: every hash the client allows.
   */
  hashes?: readonly HashName[];
  /**
   * Compare the realm binding without regard to case, as Asterisk does. Default false: realms
   * are case-sensitive (RFC 7616 section 3.3), as JsSIP compares them.
   */
  realmIgnoresCase?: boolean;
}

/** A plain password, optionally bound to a realm (exact, or a pattern with `*`). */
export interface PasswordCredentialsInit extends CredentialsRules {
  /** The username in clear. */
  username: string;
  /** The password; kept private to the credentials object. */
  password: string;
  /** Realm binding; absent or `*` answers every realm. */
  realm?: string;
}

/**
 * Pre-computed HA1 values (H(username:realm:password)). The realm is inside the hash, so the
 * binding is one exact realm; absent (or `*`), the HA1 answers every realm as it is, which is
 * what SIP.js `authorizationHa1` and Asterisk `password_digest` / `md5_cred` without a realm do
 * (the answer is only right for the realm the HA1 was made with). `ha1` is one of:
 * - a bare hex string: an MD5 HA1 (JsSIP `ha1`, Asterisk `md5_cred`);
 * - `ALG:HEX` or a list of them (Asterisk 20.12+ `password_digest`, one per algorithm);
 * - an object from hash name to hex.
 */
export interface Ha1CredentialsInit extends CredentialsRules {
  /** The username in clear (the one hashed into the HA1). */
  username: string;
  /** The realm hashed into the HA1, exact; absent or `*` for any realm (no other pattern). */
  realm?: string;
  /** The HA1 value(s), in one of the forms above. */
  ha1: string | readonly string[] | Partial<Record<HashName, string>>;
}

/** The JSON form of {@link DigestCredentials}: no secret. */
export interface DigestCredentialsJson {
  /** Always `digest`. */
  kind: 'digest';
  /** The username in clear. */
  username: string;
  /** The realm binding, null for any realm. */
  realm: string | null;
}

/**
 * Digest credentials: a username with a password or with HA1 values per hash. The secret sits in
 * private fields: `toString()`, `JSON.stringify` and `util.inspect` show only username and realm.
 */
export class DigestCredentials {
  /** Discriminates from {@link BearerCredentials} (a getter: no field in every instance). */
  get kind(): 'digest' {
    return 'digest';
  }
  readonly #password: string | undefined;
  readonly #ha1: Ha1Table;
  /** Undefined (the usual case) when nothing but the realm binding limits these credentials. */
  readonly #rules: CredentialsRules | undefined;

  private constructor(
    /** The username in clear (what goes into HA1). */
    readonly username: string,
    /** The realm binding: undefined for any realm, a `*` pattern, or an exact realm. */
    readonly realm: string | undefined,
    password: string | undefined,
    ha1: Ha1Table,
    rules: CredentialsRules,
  ) {
    this.#password = password;
    this.#ha1 = ha1;
    // Only these two fields are kept (not the whole init object, which holds the secret).
    this.#rules =
      rules.hashes || rules.realmIgnoresCase
        ? { hashes: rules.hashes, realmIgnoresCase: rules.realmIgnoresCase }
        : undefined;
  }

  /** Credentials holding a plain password. */
  static fromPassword(init: PasswordCredentialsInit): DigestCredentials {
    return new DigestCredentials(init.username, init.realm, init.password, NO_HA1, init);
  }

  /** Credentials holding pre-computed HA1 values (see {@link Ha1CredentialsInit} for the forms). */
  static fromHa1(init: Ha1CredentialsInit): DigestCredentials {
    const realm = init.realm === '*' ? undefined : init.realm;
    if (realm?.includes('*')) {
      throw new AuthenticationError(
        'invalid-credentials',
        'an HA1 is bound to one exact realm or any',
        realm,
      );
    }
    return new DigestCredentials(init.username, realm, undefined, readHa1(init.ha1, realm), init);
  }

  /** Whether the realm binding allows `realm`. */
  matchesRealm(realm: string): boolean {
    return realmMatches(this.realm, realm, this.#rules?.realmIgnoresCase);
  }

  /** Whether these credentials can produce the HA1 for `hash` in `realm`. */
  canAnswer(hash: HashName, realm: string): boolean {
    const hashes = this.#rules?.hashes;
    if (!this.matchesRealm(realm) || (hashes && !hashes.includes(hash))) return false;
    return this.#password !== undefined || this.#ha1[hash] !== undefined;
  }

  /** Whether a password (rather than only HA1 values) is held. */
  get hasPassword(): boolean {
    return this.#password !== undefined;
  }

  /** The hash names an HA1 is held for (empty for password credentials). */
  get ha1Hashes(): HashName[] {
    return Object.keys(this.#ha1) as HashName[];
  }

  /**
   * H(username:realm:password) for `hash`. Secret material: hand it only to the digest
   * computation. Throws `realm-mismatch` or `no-supported-algorithm` when it cannot be made.
   */
  ha1For(hash: HashName, realm: string): string {
    if (!this.matchesRealm(realm)) {
      throw new AuthenticationError('realm-mismatch', `credentials are not bound to realm "${realm}"`, realm);
    }
    const stored = this.#ha1[hash];
    if (stored !== undefined) return stored;
    if (this.#password === undefined) {
      throw new AuthenticationError(
        'no-supported-algorithm',
        `no ${hash} HA1 is held for realm "${realm}"`,
        realm,
      );
    }
    return computeHa1(hash, this.username, realm, this.#password);
  }

  /** A description without the secret. */
  toString(): string {
    const secret = this.#password !== undefined ? 'password' : `HA1 ${this.ha1Hashes.join(',')}`;
    return `DigestCredentials(${this.username}@${this.realm ?? '*'}, ${secret})`;
  }

  /** The JSON form: username and realm binding only. */
  toJSON(): DigestCredentialsJson {
    return { kind: 'digest', username: this.username, realm: this.realm ?? null };
  }

  /** What Node's `util.inspect` and `console.log` show. */
  [INSPECT](): string {
    return this.toString();
  }
}

function readHa1(input: Ha1CredentialsInit['ha1'], realm: string | undefined): Ha1Table {
  const out: Partial<Record<HashName, string>> = {};
  // The value is never echoed in an error: it may be a mistyped secret.
  const fail = (message: string): never => {
    throw new AuthenticationError('invalid-credentials', message, realm);
  };
  // `ALG:HEX` texts (a bare hex is MD5) and object entries, as [name, hex] in the order given.
  const entries: [string, string | undefined][] =
    typeof input === 'string' || Array.isArray(input)
      ? ([input].flat() as string[]).map((text) => {
          const colon = text.indexOf(':');
          return colon < 0 ? ['MD5', text] : [text.slice(0, colon).trim(), text.slice(colon + 1)];
        })
      : Object.entries(input as Partial<Record<HashName, string>>);
  for (const [name, hex] of entries) {
    // Not even the name: in `S3cret:Password` it is half a secret.
    const hash = parseHashName(name) ?? fail('unknown HA1 algorithm');
    if (hex === undefined) continue;
    const value = hex.trim().toLowerCase();
    if (value.length !== hexLength(hash) || !/^[0-9a-f]+$/.test(value)) {
      fail(`the ${hash} HA1 is not ${hexLength(hash)} hex digits`);
    }
    out[hash] = value;
  }
  if (Object.keys(out).length === 0) fail('no HA1 given');
  return out;
}
