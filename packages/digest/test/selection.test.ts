import { Headers } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  applyAuthorization,
  BearerCredentials,
  type Credentials,
  type DigestAlgorithm,
  DigestClient,
  DigestCredentials,
} from '../src/index.js';
import { challengeResponse, countingRandom, request } from './helpers.js';

const alice = DigestCredentials.fromPassword({ username: 'alice', password: 'pw' });
const client = (credentials: Credentials | Credentials[], algorithms?: DigestAlgorithm[]) =>
  new DigestClient({ credentials, random: countingRandom(), ...(algorithms ? { algorithms } : {}) });
const www = (realm: string, algorithm: string, nonce = 'n1') =>
  `WWW-Authenticate: Digest realm="${realm}", nonce="${nonce}", qop="auth", algorithm=${algorithm}`;
const proxy = (realm: string, algorithm: string, nonce = 'p1') =>
  `Proxy-Authenticate: Digest realm="${realm}", nonce="${nonce}", qop="auth", algorithm=${algorithm}`;

async function failure(promise: Promise<unknown>): Promise<AuthenticationError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(AuthenticationError);
    return e as AuthenticationError;
  }
  throw new Error('expected an AuthenticationError');
}

describe('choosing among several challenges (RFC 8760 section 2.4)', () => {
  it('answers only the topmost allowed challenge of a realm (Asterisk 20.12+: SHA-256 then MD5)', async () => {
    const res = challengeResponse([www('asterisk', 'SHA-256'), www('asterisk', 'MD5')]);
    const out = await client(alice).authorize(res, request('REGISTER', 'sip:asterisk'));
    expect(out).toHaveLength(1);
    expect(out[0]!.value.param('algorithm')).toBe('SHA-256');
    expect(out[0]!.value.param('response')).toHaveLength(64);
  });

  it('takes the topmost as the server ordered them, not the strongest', async () => {
    const res = challengeResponse([www('r', 'MD5'), www('r', 'SHA-512-256')]);
    const out = await client(alice).authorize(res, request('REGISTER', 'sip:r'));
    expect(out[0]!.value.param('algorithm')).toBe('MD5');
  });

  it('skips a challenge whose algorithm is not allowed', async () => {
    const res = challengeResponse([www('r', 'SHA-512-256'), www('r', 'SHA-256'), www('r', 'MD5')]);
    const out = await client(alice, ['MD5']).authorize(res, request('REGISTER', 'sip:r'));
    expect(out).toHaveLength(1);
    expect(out[0]!.value.param('algorithm')).toBe('MD5');
  });

  it('skips algorithms it does not implement (AKAv1-MD5) and qop values it cannot answer', async () => {
    const res = challengeResponse([
      www('r', 'AKAv1-MD5'),
      'WWW-Authenticate: Digest realm="r", nonce="x", qop="auth-conf", algorithm=SHA-256',
      www('r', 'SHA-256-sess'),
    ]);
    const out = await client(alice).authorize(res, request('REGISTER', 'sip:r'));
    expect(out[0]!.value.param('algorithm')).toBe('SHA-256-sess');
  });

  it('skips an algorithm the HA1-only credentials cannot answer', async () => {
    const ha1 = DigestCredentials.fromHa1({ username: 'alice', realm: 'r', ha1: 'f'.repeat(32) });
    const res = challengeResponse([www('r', 'SHA-256'), www('r', 'MD5')]);
    const out = await client(ha1).authorize(res, request('REGISTER', 'sip:r'));
    expect(out[0]!.value.param('algorithm')).toBe('MD5');
  });

  it('answers every realm: a WWW-Authenticate realm and a Proxy-Authenticate realm', async () => {
    const res = challengeResponse(
      [www('registrar', 'MD5'), proxy('edge', 'SHA-256'), proxy('edge', 'MD5')],
      407,
    );
    const out = await client(alice).authorize(res, request('REGISTER', 'sip:registrar'));
    expect(out.map((a) => [a.name, a.realm, a.value.param('algorithm')])).toEqual([
      ['Authorization', 'registrar', 'MD5'],
      ['Proxy-Authorization', 'edge', 'SHA-256'],
    ]);
  });

  it('answers several realms of one header, each with the credentials bound to it', async () => {
    const a = DigestCredentials.fromPassword({ username: 'a-user', password: 'a', realm: 'a.example' });
    const b = DigestCredentials.fromPassword({ username: 'b-user', password: 'b', realm: '*.b.example' });
    const res = challengeResponse([
      www('sip.b.example', 'SHA-256'),
      www('a.example', 'SHA-256'),
      www('a.example', 'MD5'),
      www('sip.b.example', 'MD5'),
    ]);
    const out = await client([a, b]).authorize(res, request('REGISTER', 'sip:x'));
    expect(out.map((h) => [h.realm, h.value.param('username'), h.value.param('algorithm')])).toEqual([
      ['sip.b.example', 'b-user', 'SHA-256'],
      ['a.example', 'a-user', 'SHA-256'],
    ]);
  });

  it('lets the topmost of Digest and Bearer win when both are configured', async () => {
    const bearer = BearerCredentials.fromToken('tok');
    const both = client([alice, bearer]);
    const bearerFirst = challengeResponse(['WWW-Authenticate: Bearer realm="r"', www('r', 'MD5')]);
    const digestFirst = challengeResponse([www('r', 'MD5'), 'WWW-Authenticate: Bearer realm="r"']);
    expect((await both.authorize(bearerFirst, request('REGISTER', 'sip:r')))[0]!.value.scheme).toBe('Bearer');
    expect((await both.authorize(digestFirst, request('REGISTER', 'sip:r')))[0]!.value.scheme).toBe('Digest');
    // Without Bearer credentials, the Digest challenge below it is answered.
    expect((await client(alice).authorize(bearerFirst, request('REGISTER', 'sip:r')))[0]!.value.scheme).toBe(
      'Digest',
    );
  });
});

describe('authentication errors', () => {
  it('no-supported-algorithm when no challenge has an allowed algorithm', async () => {
    const e = await failure(
      client(alice, ['SHA-256']).authorize(challengeResponse([www('r', 'MD5')]), request('R', 'sip:r')),
    );
    expect(e.code).toBe('no-supported-algorithm');
    expect(e.realm).toBe('r');
  });

  it('no-supported-algorithm when HA1 is held only for another hash', async () => {
    const ha1 = DigestCredentials.fromHa1({
      username: 'alice',
      realm: 'r',
      ha1: `SHA-256:${'a'.repeat(64)}`,
    });
    const e = await failure(
      client(ha1).authorize(challengeResponse([www('r', 'MD5')]), request('R', 'sip:r')),
    );
    expect(e.code).toBe('no-supported-algorithm');
  });

  it('realm-mismatch when the credentials are bound to another realm', async () => {
    const bound = DigestCredentials.fromPassword({ username: 'a', password: 'p', realm: 'home' });
    const e = await failure(
      client(bound).authorize(challengeResponse([www('away', 'MD5')]), request('R', 'sip:r')),
    );
    expect(e.code).toBe('realm-mismatch');
    expect(e.realm).toBe('away');
  });

  it('realm-mismatch for one unanswerable realm even when another realm is answerable', async () => {
    const bound = DigestCredentials.fromPassword({ username: 'a', password: 'p', realm: 'home' });
    const res = challengeResponse([www('home', 'MD5'), proxy('elsewhere', 'MD5')], 407);
    const e = await failure(client(bound).authorize(res, request('R', 'sip:r')));
    expect(e.code).toBe('realm-mismatch');
    expect(e.realm).toBe('elsewhere');
  });

  it('missing-credentials for a Digest challenge with only Bearer credentials, and the reverse', async () => {
    const onlyBearer = client(BearerCredentials.fromToken('t'));
    expect(
      (await failure(onlyBearer.authorize(challengeResponse([www('r', 'MD5')]), request('R', 'sip:r')))).code,
    ).toBe('missing-credentials');
    const bearerChallenge = challengeResponse(['WWW-Authenticate: Bearer realm="r"']);
    expect((await failure(client(alice).authorize(bearerChallenge, request('R', 'sip:r')))).code).toBe(
      'missing-credentials',
    );
  });

  it('no-challenge for a response without challenges; malformed-challenge without nonce or when unparsable', async () => {
    expect((await failure(client(alice).authorize(challengeResponse([]), request('R', 'sip:r')))).code).toBe(
      'no-challenge',
    );
    const noNonce = challengeResponse(['WWW-Authenticate: Digest realm="r", qop="auth"']);
    expect((await failure(client(alice).authorize(noNonce, request('R', 'sip:r')))).code).toBe(
      'malformed-challenge',
    );
    const broken = challengeResponse(['WWW-Authenticate: Digest realm="r", nonce']);
    expect((await failure(client(alice).authorize(broken, request('R', 'sip:r')))).code).toBe(
      'malformed-challenge',
    );
  });

  it('an unparsable challenge line does not hide a good one', async () => {
    const res = challengeResponse(['WWW-Authenticate: Digest realm="r", nonce', www('r', 'MD5')]);
    const out = await client(alice).authorize(res, request('R', 'sip:r'));
    expect(out).toHaveLength(1);
  });

  it('rejected-credentials when a request that carried our answer is challenged again, not stale', async () => {
    const c = client(alice);
    const first = challengeResponse([www('r', 'MD5', 'n1')]);
    const retry = request('REGISTER', 'sip:r');
    applyAuthorization(retry.headers, await c.authorize(first, retry));
    const again = challengeResponse([www('r', 'MD5', 'n2')]);
    const e = await failure(c.authorize(again, retry));
    expect(e.code).toBe('rejected-credentials');
    expect(e.realm).toBe('r');
    expect(e.message).not.toContain('pw');
  });

  it('answers a stale=true challenge to a request that carried our answer, with nc from 1', async () => {
    const c = client(alice);
    const retry = request('REGISTER', 'sip:r');
    applyAuthorization(retry.headers, await c.authorize(challengeResponse([www('r', 'MD5', 'n1')]), retry));
    const stale = challengeResponse([`${www('r', 'MD5', 'n2')}, stale=true`]);
    const out = await c.authorize(stale, retry);
    expect(out[0]!.value.param('nonce')).toBe('n2');
    expect(out[0]!.value.param('nc')).toBe('00000001');
  });

  it('a challenge to a preemptive answer (reauthorize) is not a refusal', async () => {
    const c = client(alice);
    await c.authorize(challengeResponse([www('r', 'MD5', 'n1')]), request('REGISTER', 'sip:r'));
    const refresh = request('REGISTER', 'sip:r');
    applyAuthorization(refresh.headers, c.reauthorize(refresh));
    // Some servers send a fresh nonce without stale=true when theirs expired.
    const out = await c.authorize(challengeResponse([www('r', 'MD5', 'n9')]), refresh);
    expect(out[0]!.value.param('nonce')).toBe('n9');
  });

  it('remembers the maxNonces most recent preemptive answers: a challenge to an older one is a refusal', async () => {
    const outcome = async (maxNonces: number) => {
      const c = new DigestClient({ credentials: alice, random: countingRandom(), maxNonces });
      await c.authorize(challengeResponse([www('r', 'MD5', 'n1')]), request('REGISTER', 'sip:r'));
      const first = request('REGISTER', 'sip:r');
      applyAuthorization(first.headers, c.reauthorize(first));
      const second = request('REGISTER', 'sip:r');
      applyAuthorization(second.headers, c.reauthorize(second));
      const again = (sent: typeof first) =>
        c.authorize(challengeResponse([www('r', 'MD5', 'n9')]), sent).then(
          () => 'answered',
          (e: AuthenticationError) => e.code,
        );
      return [await again(second), await again(first)];
    };
    expect(await outcome(1)).toEqual(['answered', 'rejected-credentials']);
    expect(await outcome(2)).toEqual(['answered', 'answered']);
  });
});

describe('applyAuthorization', () => {
  it('replaces the line of the answered realm and keeps other realms', () => {
    const headers = new Headers();
    headers.append(
      'Proxy-Authorization',
      'Digest realm="edge", username="a", nonce="1", uri="sip:r", response="00"',
    );
    headers.append(
      'Proxy-Authorization',
      'Digest realm="core", username="a", nonce="2", uri="sip:r", response="11"',
    );
    headers.append('Authorization', 'Bearer old');
    const c = client(alice);
    return c
      .authorize(challengeResponse([proxy('core', 'MD5', 'fresh')], 407), request('INVITE', 'sip:r'))
      .then((answers) => {
        applyAuthorization(headers, answers);
        const lines = headers.getAll('Proxy-Authorization');
        expect(lines).toHaveLength(2);
        expect(lines[0]).toContain('realm="edge"');
        expect(lines[1]).toContain('nonce="fresh"');
        expect(headers.getAll('Authorization')).toEqual(['Bearer old']);
      });
  });
});

describe('choosing among several credentials for a realm', () => {
  const res = () => challengeResponse([www('sip.example.com', 'MD5')]);
  const named = (username: string, realm?: string) =>
    DigestCredentials.fromPassword({ username, password: 'pw', realm });

  it('an exact realm beats a pattern, which beats any realm, whatever the list order', async () => {
    const list = [named('any'), named('pattern', '*.example.com'), named('exact', 'sip.example.com')];
    for (const order of [list, [...list].reverse(), [list[1]!, list[2]!, list[0]!]]) {
      const [a] = await client(order).authorize(res(), request('REGISTER', 'sip:b'));
      expect(a!.value.param('username')).toBe('exact');
    }
    const [b] = await client([named('any'), named('pattern', '*.example.com')]).authorize(
      res(),
      request('REGISTER', 'sip:b'),
    );
    expect(b!.value.param('username')).toBe('pattern');
  });

  it('the first of equals in list order; an exact one that cannot answer the hash gives way', async () => {
    const [a] = await client([named('one'), named('two')]).authorize(res(), request('REGISTER', 'sip:b'));
    expect(a!.value.param('username')).toBe('one');
    const sha = DigestCredentials.fromPassword({
      username: 'exact-sha',
      password: 'pw',
      realm: 'sip.example.com',
      hashes: ['SHA-256'],
    });
    const [b] = await client([sha, named('any')]).authorize(res(), request('REGISTER', 'sip:b'));
    expect(b!.value.param('username')).toBe('any');
  });

  it('a credential limited by hashes answers the topmost challenge it may (SHA-256 before MD5)', async () => {
    const sha = DigestCredentials.fromPassword({ username: 'a', password: 'pw', hashes: ['SHA-256'] });
    const both = challengeResponse([www('r', 'MD5'), www('r', 'SHA-256')]);
    const [a] = await client(sha).authorize(both, request('REGISTER', 'sip:b'));
    expect(a!.value.param('algorithm')).toBe('SHA-256');
    const e = await failure(
      client(sha).authorize(challengeResponse([www('r', 'MD5')]), request('R', 'sip:b')),
    );
    expect(e.code).toBe('no-supported-algorithm');
  });
});

describe('the qop values a client may answer', () => {
  const qop = (value: string) =>
    challengeResponse([`WWW-Authenticate: Digest realm="r", nonce="n", qop="${value}"`]);
  const only = (list: ('auth' | 'auth-int')[]) =>
    new DigestClient({ credentials: alice, qop: list, random: countingRandom() });

  it('qop auth only (Asterisk): auth-int alone is refused, auth is chosen from both', async () => {
    const e = await failure(only(['auth']).authorize(qop('auth-int'), request('REGISTER', 'sip:r')));
    expect(e.code).toBe('no-supported-algorithm');
    const [a] = await only(['auth']).authorize(qop('auth-int,auth'), request('REGISTER', 'sip:r'));
    expect(a!.value.param('qop')).toBe('auth');
  });

  it('the list order is the preference; the default prefers auth and accepts auth-int alone', async () => {
    const [a] = await only(['auth-int', 'auth']).authorize(
      qop('auth,auth-int'),
      request('REGISTER', 'sip:r'),
    );
    expect(a!.value.param('qop')).toBe('auth-int');
    const [b] = await client(alice).authorize(qop('auth-int,auth'), request('REGISTER', 'sip:r'));
    expect(b!.value.param('qop')).toBe('auth');
    const [c] = await client(alice).authorize(qop('auth-int'), request('REGISTER', 'sip:r'));
    expect(c!.value.param('qop')).toBe('auth-int');
  });
});
