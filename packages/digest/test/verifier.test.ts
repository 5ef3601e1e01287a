import { Headers, parseAuth } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import {
  applyAuthorization,
  computeHa1,
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  DigestClient,
  DigestCredentials,
  DigestVerifier,
  type DigestVerifierOptions,
  type VerifyResult,
} from '../src/index.js';
import { countingRandom, request } from './helpers.js';

const REALM = 'dev.sipkit';
const users = [
  DigestCredentials.fromPassword({ username: 'alice', password: 'alice-pw' }),
  DigestCredentials.fromHa1({
    username: 'bob',
    realm: REALM,
    ha1: computeHa1('MD5', 'bob', REALM, 'bob-pw'),
  }),
];

function setup(options: Partial<DigestVerifierOptions> = {}, clientPassword = 'alice-pw') {
  const verifier = new DigestVerifier({
    realm: REALM,
    credentials: users,
    random: countingRandom(7),
    ...options,
  });
  const client = new DigestClient({
    credentials: DigestCredentials.fromPassword({ username: 'alice', password: clientPassword }),
    random: countingRandom(100),
  });
  return { verifier, client };
}

/** Challenge → answer → a request carrying it, as a UA would retry. */
async function answered(
  verifier: DigestVerifier,
  client: DigestClient,
  method = 'REGISTER',
  uri = `sip:${REALM}`,
  body?: string,
) {
  const challenge = new Headers();
  for (const c of verifier.challenge()) challenge.append(verifier.challengeHeader, c);
  const req = request(method, uri, body);
  applyAuthorization(req.headers, await client.authorize(challenge, req));
  return req;
}

function failed(result: VerifyResult) {
  if (result.ok) throw new Error('expected a failure');
  return result;
}

describe('DigestVerifier challenges', () => {
  it('issues one challenge per algorithm, in order, sharing one nonce', () => {
    const { verifier } = setup({ algorithms: ['SHA-512-256', 'SHA-256', 'MD5'], userhash: true });
    const challenges = verifier.challenge();
    expect(challenges.map((c) => c.param('algorithm'))).toEqual(['SHA-512-256', 'SHA-256', 'MD5']);
    expect(new Set(challenges.map((c) => c.param('nonce'))).size).toBe(1);
    const text = challenges[0]!.toString();
    expect(text).toMatch(
      /^Digest realm="dev\.sipkit", qop="auth", algorithm=SHA-512-256, nonce="[0-9a-f]{48}", opaque="[0-9a-f]{32}"/,
    );
    expect(text).toContain('userhash=true');
    expect(parseAuth(text).param('nonce')).toBe(challenges[0]!.param('nonce'));
  });

  it('draws nonces from the injected random source: same seed, same nonces', () => {
    const a = setup().verifier.challenge()[0]!.param('nonce');
    const b = setup().verifier.challenge()[0]!.param('nonce');
    const other = new DigestVerifier({ realm: REALM, credentials: users, random: countingRandom(9) });
    expect(a).toBe(b);
    expect(other.challenge()[0]!.param('nonce')).not.toBe(a);
  });

  it('challenges as a proxy with 407 and Proxy-Authenticate', () => {
    const { verifier } = setup({ proxy: true });
    expect(verifier.challengeStatus).toBe(407);
    expect(verifier.challengeHeader).toBe('Proxy-Authenticate');
  });
});

describe('DigestVerifier accepts what the client makes', () => {
  it.each(DIGEST_ALGORITHMS.map((a) => [a]))('%s with qop=auth', async (algorithm: DigestAlgorithm) => {
    const { verifier, client } = setup({ algorithms: [algorithm] });
    const result = await verifier.verify(await answered(verifier, client));
    expect(result).toEqual({ ok: true, username: 'alice', realm: REALM, algorithm, qop: 'auth' });
  });

  it('qop=auth-int with a body', async () => {
    const { verifier, client } = setup({ qop: ['auth-int'] });
    const req = await answered(verifier, client, 'MESSAGE', 'sip:bob@dev.sipkit', 'hello bob');
    expect(req.headers.get('Authorization')).toContain('qop=auth-int');
    expect(await verifier.verify(req)).toMatchObject({ ok: true, qop: 'auth-int' });
  });

  it('the RFC 2069 form without qop', async () => {
    const { verifier, client } = setup({ qop: [] });
    const req = await answered(verifier, client);
    expect(req.headers.get('Authorization')).not.toContain('qop=');
    expect(await verifier.verify(req)).toMatchObject({ ok: true, qop: undefined });
  });

  it('userhash answers, resolved against the user list', async () => {
    const { verifier, client } = setup({ userhash: true, algorithms: ['SHA-256'] });
    const req = await answered(verifier, client);
    expect(req.headers.get('Authorization')).not.toContain('"alice"');
    expect(await verifier.verify(req)).toMatchObject({ ok: true, username: 'alice' });
  });

  it('HA1-only users, and a lookup function', async () => {
    const verifier = new DigestVerifier({
      realm: REALM,
      algorithms: ['MD5'],
      random: countingRandom(),
      credentials: async (name, ctx) =>
        ctx.realm === REALM ? users.find((u) => u.username === name) : undefined,
    });
    const bob = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'bob', password: 'bob-pw' }),
      random: countingRandom(),
    });
    expect(await verifier.verify(await answered(verifier, bob))).toMatchObject({ ok: true, username: 'bob' });
  });

  it('successive requests on one nonce with rising nc (reauthorize)', async () => {
    const { verifier, client } = setup();
    expect((await verifier.verify(await answered(verifier, client))).ok).toBe(true);
    for (let i = 0; i < 3; i++) {
      const next = request('REGISTER', `sip:${REALM}`);
      applyAuthorization(next.headers, client.reauthorize(next));
      expect(await verifier.verify(next)).toMatchObject({ ok: true });
    }
  });
});

describe('DigestVerifier rejects', () => {
  it('a missing Authorization with fresh challenges', async () => {
    const { verifier } = setup();
    const r = failed(await verifier.verify(request('REGISTER', `sip:${REALM}`)));
    expect(r.reason).toBe('missing');
    expect(r.status).toBe(401);
    expect(r.challenges).toHaveLength(2);
    expect(r.challenges[0]!.param('stale')).toBeUndefined();
  });

  it('an Authorization that does not parse (a parameter twice) as malformed, not missing', async () => {
    const { verifier, client } = setup();
    const req = await answered(verifier, client);
    const headers = new Headers();
    headers.append(
      'Authorization',
      req.headers.get('Authorization')!.replace('Digest ', `Digest realm="${REALM}", `),
    );
    expect(failed(await verifier.verify({ ...req, headers })).reason).toBe('malformed');
  });

  it('a tampered method', async () => {
    const { verifier, client } = setup();
    const req = await answered(verifier, client, 'REGISTER');
    expect(failed(await verifier.verify({ ...req, method: 'INVITE' })).reason).toBe('bad-response');
  });

  it('a tampered Request-URI (uri-mismatch) and a tampered uri parameter with it (bad response)', async () => {
    const { verifier, client } = setup();
    const req = await answered(verifier, client);
    expect(failed(await verifier.verify({ ...req, uri: 'sip:evil@dev.sipkit' })).reason).toBe('uri-mismatch');
    const headers = new Headers();
    headers.append(
      'Authorization',
      req.headers.get('Authorization')!.replace(`uri="sip:${REALM}"`, 'uri="sip:evil@dev.sipkit"'),
    );
    const both = { ...req, uri: 'sip:evil@dev.sipkit', headers };
    expect(failed(await verifier.verify(both)).reason).toBe('bad-response');
  });

  it('a tampered body under auth-int', async () => {
    const { verifier, client } = setup({ qop: ['auth-int'] });
    const req = await answered(verifier, client, 'MESSAGE', 'sip:bob@dev.sipkit', 'pay 10');
    const tampered = { ...req, body: new TextEncoder().encode('pay 1000') };
    expect(failed(await verifier.verify(tampered)).reason).toBe('bad-response');
    expect((await verifier.verify(req)).ok).toBe(true);
  });

  it('an nc replay on the same nonce, and an RFC 2069 answer used twice', async () => {
    const { verifier, client } = setup();
    const req = await answered(verifier, client);
    expect((await verifier.verify(req)).ok).toBe(true);
    expect(failed(await verifier.verify(req)).reason).toBe('replay');

    const legacy = setup({ qop: [] });
    const once = await answered(legacy.verifier, legacy.client);
    expect((await legacy.verifier.verify(once)).ok).toBe(true);
    expect(failed(await legacy.verifier.verify(once)).reason).toBe('replay');
  });

  it('a wrong realm', async () => {
    const { verifier, client } = setup();
    const req = await answered(verifier, client);
    const headers = new Headers();
    headers.append(
      'Authorization',
      req.headers.get('Authorization')!.replace(`realm="${REALM}"`, 'realm="other"'),
    );
    expect(failed(await verifier.verify({ ...req, headers })).reason).toBe('wrong-realm');
    // An HA1 user bound to another realm cannot answer this one.
    const elsewhere = new DigestVerifier({
      realm: 'other',
      credentials: users,
      algorithms: ['MD5'],
      random: countingRandom(),
    });
    const bob = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'bob', password: 'bob-pw' }),
    });
    expect(failed(await elsewhere.verify(await answered(elsewhere, bob))).reason).toBe('wrong-realm');
  });

  it('a wrong password, an unknown user, a forged nonce, a changed opaque', async () => {
    const wrong = setup({}, 'not-it');
    expect(failed(await wrong.verifier.verify(await answered(wrong.verifier, wrong.client))).reason).toBe(
      'bad-response',
    );
    const { verifier } = setup();
    const mallory = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'mallory', password: 'x' }),
    });
    expect(failed(await verifier.verify(await answered(verifier, mallory))).reason).toBe('unknown-user');

    const { client } = setup();
    const req = await answered(verifier, client);
    const auth = req.headers.get('Authorization')!;
    const nonce = parseAuth(auth).param('nonce')!;
    const forged = `${nonce.slice(0, 40)}${nonce.slice(40) === '00000000' ? '11111111' : '00000000'}`;
    const h1 = new Headers().append('Authorization', auth.replace(nonce, forged));
    expect(failed(await verifier.verify({ ...req, headers: h1 })).reason).toBe('unknown-nonce');
    const h2 = new Headers().append('Authorization', auth.replace(/opaque="[^"]*"/, 'opaque="abc"'));
    expect(failed(await verifier.verify({ ...req, headers: h2 })).reason).toBe('opaque-mismatch');
  });

  it('an algorithm it did not offer, and an answer without qop to a qop challenge', async () => {
    const { verifier } = setup({ algorithms: ['SHA-256'] });
    const md5Only = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'alice', password: 'alice-pw' }),
    });
    const req = request('REGISTER', `sip:${REALM}`);
    const nonce = verifier.challenge()[0]!.param('nonce')!;
    const hdr = new Headers().append(
      'WWW-Authenticate',
      `Digest realm="${REALM}", nonce="${nonce}", qop="auth"`,
    );
    applyAuthorization(req.headers, await md5Only.authorize(hdr, req));
    expect(failed(await verifier.verify(req)).reason).toBe('unsupported-algorithm');

    const noQop = request('REGISTER', `sip:${REALM}`);
    const legacy = new Headers().append(
      'WWW-Authenticate',
      `Digest realm="${REALM}", nonce="${nonce}", algorithm=SHA-256`,
    );
    applyAuthorization(noQop.headers, await md5Only.authorize(legacy, noQop));
    expect(failed(await verifier.verify(noQop)).reason).toBe('malformed');
  });

  it('a retired nonce as stale, with stale=true challenges the client answers again', async () => {
    const { verifier, client } = setup();
    const req = await answered(verifier, client);
    verifier.retireNonces();
    const r = failed(await verifier.verify(req));
    expect(r.reason).toBe('stale');
    expect(r.challenges.every((c) => c.param('stale') === 'true')).toBe(true);
    const retry = request('REGISTER', `sip:${REALM}`, undefined, req.headers.clone());
    const challenge = new Headers();
    for (const c of r.challenges) challenge.append(r.header, c);
    applyAuthorization(retry.headers, await client.authorize(challenge, retry));
    expect(retry.headers.count('Authorization')).toBe(1);
    expect((await verifier.verify(retry)).ok).toBe(true);
  });

  it('a nonce evicted by newer ones, or used up, as stale', async () => {
    const { verifier, client } = setup({ maxNonces: 2, maxNonceUses: 2 });
    const req = await answered(verifier, client);
    verifier.challenge();
    verifier.challenge();
    expect(failed(await verifier.verify(req)).reason).toBe('stale');

    const fresh = await answered(verifier, client);
    expect((await verifier.verify(fresh)).ok).toBe(true);
    const second = request('REGISTER', `sip:${REALM}`);
    applyAuthorization(second.headers, client.reauthorize(second));
    expect((await verifier.verify(second)).ok).toBe(true);
    const third = request('REGISTER', `sip:${REALM}`);
    applyAuthorization(third.headers, client.reauthorize(third));
    expect(failed(await verifier.verify(third)).reason).toBe('stale');
  });

  it('a stale nonce with a wrong answer is a bad response, not stale', async () => {
    const wrong = setup({}, 'nope');
    const req = await answered(wrong.verifier, wrong.client);
    wrong.verifier.retireNonces();
    expect(failed(await wrong.verifier.verify(req)).reason).toBe('bad-response');
  });
});
