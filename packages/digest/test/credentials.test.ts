import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BearerCredentials,
  computeHa1,
  computeResponse,
  DigestClient,
  DigestCredentials,
  DigestVerifier,
} from '../src/index.js';
import { challengeResponse, countingRandom, request } from './helpers.js';

const md5 = computeHa1('MD5', 'alice', 'r', 'pw');
const sha256 = computeHa1('SHA-256', 'alice', 'r', 'pw');
const sha512 = computeHa1('SHA-512-256', 'alice', 'r', 'pw');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AuthenticationError);
    return (e as AuthenticationError).code;
  }
  throw new Error('expected an AuthenticationError');
}

/** The response the client sends for a challenge, to compare the HA1 paths with the password path. */
async function responseFor(credentials: DigestCredentials, algorithm: string): Promise<string | undefined> {
  const client = new DigestClient({ credentials, random: countingRandom() });
  const res = challengeResponse([
    `WWW-Authenticate: Digest realm="r", nonce="n", qop="auth", algorithm=${algorithm}`,
  ]);
  return (await client.authorize(res, request('REGISTER', 'sip:r')))[0]!.value.param('response');
}

describe('HA1 credentials', () => {
  const byPassword = DigestCredentials.fromPassword({ username: 'alice', password: 'pw' });

  it('JsSIP ha1 + realm and Asterisk md5_cred: a bare MD5 hex', async () => {
    const jssip = DigestCredentials.fromHa1({ username: 'alice', realm: 'r', ha1: md5.toUpperCase() });
    expect(jssip.ha1Hashes).toEqual(['MD5']);
    expect(await responseFor(jssip, 'MD5')).toBe(await responseFor(byPassword, 'MD5'));
    expect(await responseFor(jssip, 'MD5-sess')).toBe(await responseFor(byPassword, 'MD5-sess'));
  });

  it('Asterisk password_digest=ALG:HEX, one line per algorithm', async () => {
    const asterisk = DigestCredentials.fromHa1({
      username: 'alice',
      realm: 'r',
      ha1: [`SHA-256:${sha256}`, `sha-512-256:${sha512}`, `MD5:${md5}`],
    });
    expect(asterisk.ha1Hashes.sort()).toEqual(['MD5', 'SHA-256', 'SHA-512-256']);
    for (const alg of ['SHA-256', 'SHA-256-sess', 'SHA-512-256', 'MD5']) {
      expect(await responseFor(asterisk, alg)).toBe(await responseFor(byPassword, alg));
    }
  });

  it('an object from hash name to hex', async () => {
    const creds = DigestCredentials.fromHa1({ username: 'alice', realm: 'r', ha1: { 'SHA-256': sha256 } });
    expect(await responseFor(creds, 'SHA-256')).toBe(await responseFor(byPassword, 'SHA-256'));
    expect(creds.canAnswer('MD5', 'r')).toBe(false);
    expect(creds.canAnswer('SHA-256', 'other')).toBe(false);
  });

  it('refuses unusable HA1 input with invalid-credentials, without echoing it', () => {
    expect(codeOf(() => DigestCredentials.fromHa1({ username: 'a', realm: 'r', ha1: 'abc' }))).toBe(
      'invalid-credentials',
    );
    expect(codeOf(() => DigestCredentials.fromHa1({ username: 'a', realm: 'r', ha1: `MD5:${sha256}` }))).toBe(
      'invalid-credentials',
    );
    expect(codeOf(() => DigestCredentials.fromHa1({ username: 'a', realm: 'r', ha1: `SHA-1:${md5}` }))).toBe(
      'invalid-credentials',
    );
    expect(codeOf(() => DigestCredentials.fromHa1({ username: 'a', realm: '*.example', ha1: md5 }))).toBe(
      'invalid-credentials',
    );
    expect(codeOf(() => DigestCredentials.fromHa1({ username: 'a', realm: 'r', ha1: [] }))).toBe(
      'invalid-credentials',
    );
    let thrown: unknown;
    try {
      DigestCredentials.fromHa1({ username: 'a', realm: 'r', ha1: `${md5}0` });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AuthenticationError);
    expect(String(thrown)).not.toContain(md5);
  });

  it('does not echo the text before a colon either: a password typed where an HA1 goes', () => {
    for (const ha1 of ['S3cret:Password', ['S3cret:Password']]) {
      let thrown: unknown;
      try {
        DigestCredentials.fromHa1({ username: 'a', ha1 });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toMatchObject({ name: 'AuthenticationError', code: 'invalid-credentials' });
      expect(String(thrown)).not.toContain('S3cret');
      expect(String(thrown)).not.toContain('Password');
    }
  });

  it('ha1For reports realm-mismatch and a missing hash', () => {
    const creds = DigestCredentials.fromHa1({ username: 'alice', realm: 'r', ha1: md5 });
    expect(codeOf(() => creds.ha1For('MD5', 'x'))).toBe('realm-mismatch');
    expect(codeOf(() => creds.ha1For('SHA-256', 'r'))).toBe('no-supported-algorithm');
    expect(creds.ha1For('MD5', 'r')).toBe(md5);
  });
});

describe('realm binding', () => {
  it('exact, wildcard pattern, and any', () => {
    const exact = DigestCredentials.fromPassword({ username: 'a', password: 'p', realm: 'sip.example.com' });
    const pattern = DigestCredentials.fromPassword({ username: 'a', password: 'p', realm: '*.example.com' });
    const any = DigestCredentials.fromPassword({ username: 'a', password: 'p' });
    const star = DigestCredentials.fromPassword({ username: 'a', password: 'p', realm: '*' });
    expect(exact.matchesRealm('sip.example.com')).toBe(true);
    expect(exact.matchesRealm('SIP.example.com')).toBe(false);
    expect(exact.matchesRealm('sipxexample.com')).toBe(false);
    expect(pattern.matchesRealm('pbx.example.com')).toBe(true);
    expect(pattern.matchesRealm('example.com')).toBe(false);
    expect(pattern.matchesRealm('pbx.example.org')).toBe(false);
    expect(any.matchesRealm('whatever')).toBe(true);
    expect(star.matchesRealm('whatever')).toBe(true);
  });

  it('ignores case only when asked (Asterisk compares realms case-insensitively)', () => {
    const asterisk = { username: 'a', password: 'p', realmIgnoresCase: true };
    const exact = DigestCredentials.fromPassword({ ...asterisk, realm: 'SIP.example.com' });
    const pattern = DigestCredentials.fromPassword({ ...asterisk, realm: '*.EXAMPLE.com' });
    expect(exact.matchesRealm('sip.example.com')).toBe(true);
    expect(exact.matchesRealm('sip.example.org')).toBe(false);
    expect(pattern.matchesRealm('pbx.example.COM')).toBe(true);
  });
});

describe('an HA1 for any realm (SIP.js authorizationHa1, Asterisk password_digest without realm)', () => {
  it('is used as it is for every realm, and answers correctly the realm it was made for', async () => {
    for (const realm of [undefined, '*']) {
      const creds = DigestCredentials.fromHa1({ username: 'alice', realm, ha1: md5 });
      expect(creds.realm).toBeUndefined();
      expect(creds.canAnswer('MD5', 'elsewhere')).toBe(true);
      expect(creds.ha1For('MD5', 'elsewhere')).toBe(md5);
      expect(await responseFor(creds, 'MD5')).toBe(
        await responseFor(DigestCredentials.fromPassword({ username: 'alice', password: 'pw' }), 'MD5'),
      );
    }
  });
});

describe('hashes a credential may answer (Asterisk supported_algorithms_uac)', () => {
  it('a password limited to SHA-256 cannot answer MD5; a -sess algorithm counts as its hash', () => {
    const creds = DigestCredentials.fromPassword({ username: 'a', password: 'p', hashes: ['SHA-256'] });
    expect(creds.canAnswer('SHA-256', 'r')).toBe(true);
    expect(creds.canAnswer('MD5', 'r')).toBe(false);
  });
});

describe("JsSIP's replacement of the password by the HA1", () => {
  it('after the first answer holds only the HA1 for that realm and hash', async () => {
    const client = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'alice', password: 'pw' }),
      replacePasswordWithHa1: true,
      random: countingRandom(),
    });
    const first = await client.authorize(
      challengeResponse(['WWW-Authenticate: Digest realm="r", nonce="n1", qop="auth"']),
      request('REGISTER', 'sip:r'),
    );
    const held = client.credentials[0] as DigestCredentials;
    expect(held.hasPassword).toBe(false);
    expect(held.realm).toBe('r');
    expect(held.ha1Hashes).toEqual(['MD5']);
    expect(held.ha1For('MD5', 'r')).toBe(md5);

    // Still answers the same realm and hash correctly.
    const second = await client.authorize(
      challengeResponse(['WWW-Authenticate: Digest realm="r", nonce="n2", qop="auth"']),
      request('REGISTER', 'sip:r'),
    );
    const v = second[0]!.value;
    expect(v.param('response')).toBe(
      computeResponse({
        algorithm: 'MD5',
        ha1: md5,
        nonce: 'n2',
        nc: '00000001',
        cnonce: v.param('cnonce')!,
        qop: 'auth',
        method: 'REGISTER',
        uri: 'sip:r',
      }),
    );
    expect(first[0]!.value.param('response')).not.toBe(v.param('response'));

    // ...but no longer another realm or another hash, as in JsSIP.
    await expect(
      client.authorize(
        challengeResponse(['WWW-Authenticate: Digest realm="other", nonce="n3"']),
        request('REGISTER', 'sip:r'),
      ),
    ).rejects.toMatchObject({ code: 'realm-mismatch' });
    await expect(
      client.authorize(
        challengeResponse(['WWW-Authenticate: Digest realm="r", nonce="n4", algorithm=SHA-256']),
        request('REGISTER', 'sip:r'),
      ),
    ).rejects.toMatchObject({ code: 'no-supported-algorithm' });
  });

  it('is off by default: the password stays', async () => {
    const client = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'a', password: 'pw' }),
    });
    await client.authorize(
      challengeResponse(['WWW-Authenticate: Digest realm="r", nonce="n1"']),
      request('REGISTER', 'sip:r'),
    );
    expect((client.credentials[0] as DigestCredentials).hasPassword).toBe(true);
  });
});

describe('secrets stay out of strings, JSON and logs', () => {
  const password = 'Pa55-word-7781';
  const token = 'eyJhbGciOi.secret-token.xyz';
  const creds = [
    DigestCredentials.fromPassword({ username: 'alice', password, realm: 'r' }),
    DigestCredentials.fromHa1({ username: 'alice', realm: 'r', ha1: [`MD5:${md5}`, `SHA-256:${sha256}`] }),
    BearerCredentials.fromToken(token, { realm: 'r' }),
  ];
  const secrets = [password, md5, sha256, token];

  it.each(creds.map((c) => [String(c), c]))('%s', (_name, c) => {
    const renderings = [
      String(c),
      `${c}`,
      JSON.stringify(c),
      JSON.stringify({ nested: [c] }),
      inspect(c),
      inspect(c, { showHidden: true, depth: 10 }),
      format('%o %O %s %j', c, c, c, c),
      Object.keys(c).join(','),
      JSON.stringify(Object.entries(c)),
    ];
    for (const text of renderings) for (const s of secrets) expect(text).not.toContain(s);
    expect(String(c)).toMatch(/Credentials\(/);
    expect(JSON.parse(JSON.stringify(c))).toHaveProperty('kind');
  });

  it('neither does a client or verifier holding them', async () => {
    const client = new DigestClient({ credentials: creds, random: countingRandom() });
    await client.authorize(
      challengeResponse(['WWW-Authenticate: Digest realm="r", nonce="n", qop="auth"']),
      request('REGISTER', 'sip:r'),
    );
    const verifier = new DigestVerifier({
      realm: 'r',
      credentials: creds.slice(0, 2) as DigestCredentials[],
    });
    for (const holder of [client, verifier]) {
      const texts = [
        inspect(holder, { showHidden: true, depth: 10 }),
        JSON.stringify(holder),
        String(holder),
      ];
      for (const text of texts) for (const s of secrets) expect(text).not.toContain(s);
    }
  });
});
