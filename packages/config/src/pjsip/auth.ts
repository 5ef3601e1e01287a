import { hideSecrets } from '../secrets.js';
import type { DigestAlgorithm, DigestCredential, UnsupportedOption } from '../types.js';
import type { PjsipSection } from './document.js';
import { SectionReader } from './section-reader.js';

/** Every option of `type=auth` (res_pjsip/config_auth.c). */
export const AUTH_OPTIONS = [
  'type',
  'auth_type',
  'username',
  'password',
  'password_digest',
  'md5_cred',
  'realm',
  'supported_algorithms_uac',
  'supported_algorithms_uas',
  'nonce_lifetime',
  'refresh_token',
  'oauth_clientid',
  'oauth_secret',
] as const;

const ALGORITHMS: Record<string, DigestAlgorithm> = {
  md5: 'MD5',
  'sha-256': 'SHA-256',
  'sha-512-256': 'SHA-512-256',
};
const HEX_LENGTH: Record<DigestAlgorithm, number> = { MD5: 32, 'SHA-256': 64, 'SHA-512-256': 64 };

/** The result of reading one auth section. */
export interface PjsipAuth {
  /** The digest credential, or undefined for `auth_type=google_oauth`. */
  credential?: DigestCredential;
  unsupported: UnsupportedOption[];
}

/**
 * Reads a `type=auth` section. `defaultAlgorithms` is the global `default_auth_algorithms_uac`
 * (MD5 unless `type=global` says otherwise).
 */
export function readAuth(section: PjsipSection, defaultAlgorithms: DigestAlgorithm[]): PjsipAuth {
  const r: SectionReader = new SectionReader(section, AUTH_OPTIONS);
  const authType = (r.string('auth_type') ?? 'userpass').toLowerCase();
  if (!['userpass', 'digest', 'md5', 'google_oauth'].includes(authType)) {
    r.fail('INVALID_VALUE', 'auth_type', 'userpass, digest, md5 or google_oauth');
  }
  r.unsupportedIfSet(
    'supported_algorithms_uas',
    'server-side (UAS) option; sipkit only uses this auth to register',
  );
  r.unsupportedIfSet('nonce_lifetime', 'server-side (UAS) option; sipkit only uses this auth to register');
  if (authType === 'google_oauth') {
    r.unsupported.push({
      key: r.keyName('auth_type'),
      source: 'pjsip',
      reason:
        'google_oauth needs a Google token exchange, which sipkit does not perform; supply a bearer token instead',
    });
    return { unsupported: r.unsupported };
  }
  for (const k of ['refresh_token', 'oauth_clientid', 'oauth_secret'])
    r.unsupportedIfSet(k, 'only used by auth_type=google_oauth');

  const username = r.string('username');
  if (!username) r.fail('MISSING', 'username', 'a non-empty username (Asterisk refuses an auth without one)');
  // Written into a quoted-string, as in the other adapters (a pjsip.conf line holds no line break).
  if (/["\\]/.test(username)) r.fail('INVALID_VALUE', 'username', 'a digest username without " or \\');

  const ha1: DigestCredential['ha1'] = {};
  const md5 = r.string('md5_cred');
  if (md5 !== undefined && md5 !== '') {
    if (!/^[0-9a-f]{32}$/i.test(md5))
      r.fail('INVALID_VALUE', 'md5_cred', 'an MD5 HA1: 32 hexadecimal digits');
    ha1.MD5 = md5.toLowerCase();
  }
  for (const item of r.list('password_digest')) {
    const colon = item.indexOf(':');
    const alg = colon < 0 ? undefined : ALGORITHMS[item.slice(0, colon).trim().toLowerCase()];
    const hex = colon < 0 ? '' : item.slice(colon + 1).trim();
    const expected =
      'ALG:HEX items, ALG one of MD5, SHA-256, SHA-512-256 and HEX of 32 (MD5) or 64 hex digits';
    if (!alg) r.fail('INVALID_VALUE', 'password_digest', expected, 'unknown algorithm');
    if (hex.length !== HEX_LENGTH[alg] || !/^[0-9a-f]+$/i.test(hex)) {
      r.fail('INVALID_VALUE', 'password_digest', expected, `bad digest for ${alg}`);
    }
    ha1[alg] = hex.toLowerCase();
  }
  const password = r.string('password');
  const supported = r.has('supported_algorithms_uac')
    ? r.list('supported_algorithms_uac').map((a) => {
        const alg = ALGORITHMS[a.toLowerCase()];
        if (!alg)
          r.fail('INVALID_VALUE', 'supported_algorithms_uac', 'a comma list of MD5, SHA-256, SHA-512-256');
        return alg;
      })
    : defaultAlgorithms;
  // An algorithm is usable only when it is allowed and there is a password or a digest for it.
  const algorithms = supported.filter(
    (a) => (password !== undefined && password !== '') || ha1[a] !== undefined,
  );
  const realm = r.string('realm');
  const bound = realm === undefined || realm === '' || realm === '*' ? undefined : realm;
  return {
    // Without a realm, an HA1 (password_digest, md5_cred) is used as it is for any realm.
    credential: hideSecrets({
      name: section.name,
      username: username!,
      password: password === '' ? undefined : password,
      ha1,
      realm: bound,
      // Asterisk compares the configured realm with the challenge's case-insensitively.
      realmIgnoresCase: bound === undefined ? undefined : true,
      algorithms,
    }),
    unsupported: r.unsupported,
  };
}

/** Parses a comma list of algorithm names (`default_auth_algorithms_uac`). */
export function parseAlgorithmList(text: string): DigestAlgorithm[] | undefined {
  const out: DigestAlgorithm[] = [];
  for (const item of text.split(',')) {
    const t = item.trim();
    if (t === '') continue;
    const alg = ALGORITHMS[t.toLowerCase()];
    if (!alg) return undefined;
    out.push(alg);
  }
  return out;
}
