import { describe, expect, it } from 'vitest';
import { applyAuthorization, DigestClient, DigestCredentials } from '../src/index.js';
import { challengeResponse, countingRandom, request } from './helpers.js';

const challenge = (nonce: string, realm = 'r') =>
  challengeResponse([`WWW-Authenticate: Digest realm="${realm}", nonce="${nonce}", qop="auth"`]);

/** The nc of the answer to a challenge with `nonce`. */
async function nc(client: DigestClient, nonce: string): Promise<string | undefined> {
  const [answer] = await client.authorize(challenge(nonce), request('REGISTER', 'sip:r'));
  return answer!.value.param('nc');
}

function client(options: { maxNonces?: number; reauthorize?: boolean } = {}) {
  return new DigestClient({
    credentials: DigestCredentials.fromPassword({ username: 'a', password: 'p' }),
    random: countingRandom(),
    ...options,
  });
}

describe('DigestClient state', () => {
  it('counts per nonce, also for a nonce used again after another', async () => {
    const c = client();
    expect(await nc(c, 'n1')).toBe('00000001');
    expect(await nc(c, 'n1')).toBe('00000002');
    expect(await nc(c, 'n2')).toBe('00000001');
    expect(await nc(c, 'n3')).toBe('00000001');
    expect(await nc(c, 'n1')).toBe('00000003');
    expect(await nc(c, 'n2')).toBe('00000002');
  });

  it('keeps counts for the maxNonces most recently used nonces only', async () => {
    const c = client({ maxNonces: 2 });
    expect(await nc(c, 'n1')).toBe('00000001');
    expect(await nc(c, 'n2')).toBe('00000001');
    expect(await nc(c, 'n1')).toBe('00000002'); // n1 is recent again
    expect(await nc(c, 'n3')).toBe('00000001'); // n2 is forgotten
    expect(await nc(c, 'n2')).toBe('00000001');
    expect(await nc(c, 'n3')).toBe('00000002');
    const one = client({ maxNonces: 1 });
    expect(await nc(one, 'n1')).toBe('00000001');
    expect(await nc(one, 'n1')).toBe('00000002');
    expect(await nc(one, 'n2')).toBe('00000001');
    expect(await nc(one, 'n1')).toBe('00000001');
  });

  it('with reauthorize: false it answers challenges but keeps nothing for reauthorize()', async () => {
    const c = client({ reauthorize: false });
    expect(await nc(c, 'n1')).toBe('00000001');
    expect(await nc(c, 'n1')).toBe('00000002');
    expect(c.reauthorize(request('REGISTER', 'sip:r'))).toEqual([]);
    const keeping = client();
    await nc(keeping, 'n1');
    expect(keeping.reauthorize(request('REGISTER', 'sip:r'))).toHaveLength(1);
  });

  it('clients with other options do not share settings', async () => {
    const random = countingRandom();
    const credentials = DigestCredentials.fromPassword({ username: 'a', password: 'p' });
    const md5Only = new DigestClient({ credentials, random, algorithms: ['MD5'] });
    const sha = new DigestClient({ credentials, random, algorithms: ['SHA-256'] });
    const sha256 = challengeResponse([
      'WWW-Authenticate: Digest realm="r", nonce="x", qop="auth", algorithm=SHA-256',
    ]);
    await expect(md5Only.authorize(sha256, request('REGISTER', 'sip:r'))).rejects.toMatchObject({
      code: 'no-supported-algorithm',
    });
    const [answer] = await sha.authorize(sha256, request('REGISTER', 'sip:r'));
    expect(answer!.value.param('algorithm')).toBe('SHA-256');
  });

  it('a lone credential is still listed as an array, and replaced by its HA1 under JsSIP rules', async () => {
    const password = DigestCredentials.fromPassword({ username: 'a', password: 'p' });
    const c = new DigestClient({
      credentials: [password],
      random: countingRandom(),
      replacePasswordWithHa1: true,
    });
    expect(c.credentials).toEqual([password]);
    await nc(c, 'n1');
    expect(c.credentials).toHaveLength(1);
    expect(c.credentials[0]).not.toBe(password);
    expect((c.credentials[0] as DigestCredentials).hasPassword).toBe(false);
    // Bound to the realm answered: another realm now fails.
    await expect(c.authorize(challenge('n2', 'other'), request('REGISTER', 'sip:r'))).rejects.toMatchObject({
      code: 'realm-mismatch',
    });
  });
});

describe('nonce counts per realm (countsPerRealm)', () => {
  const twoRealms = () =>
    challengeResponse([
      'WWW-Authenticate: Digest realm="a", nonce="NA", qop="auth"',
      'WWW-Authenticate: Digest realm="b", nonce="NB", qop="auth"',
    ]);
  const perRealm = (maxNonces: number) =>
    new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'a', password: 'p' }),
      random: countingRandom(),
      maxNonces,
      countsPerRealm: true,
    });
  const ncs = (answers: { value: { param(n: string): string | undefined } }[]) =>
    answers.map((a) => a.value.param('nc'));

  it('keeps one count per realm answered, so two realms do not evict each other', async () => {
    const c = perRealm(4);
    expect(ncs(await c.authorize(twoRealms(), request('REGISTER', 'sip:r')))).toEqual([
      '00000001',
      '00000001',
    ]);
    for (const n of ['00000002', '00000003', '00000004']) {
      expect(ncs(c.reauthorize(request('REGISTER', 'sip:r')))).toEqual([n, n]);
    }
  });

  it("forgets a realm's old nonce when it gets a new one", async () => {
    const c = perRealm(4);
    expect(await nc(c, 'n1')).toBe('00000001');
    expect(await nc(c, 'n1')).toBe('00000002');
    expect(await nc(c, 'n2')).toBe('00000001');
    // Without countsPerRealm, n1 would go on at 3: its count was kept.
    expect(await nc(c, 'n1')).toBe('00000001');
  });

  it('answers again, with the next count, what the request carried for a realm not challenged now', async () => {
    const c = perRealm(4);
    const proxy = challengeResponse(['Proxy-Authenticate: Digest realm="p", nonce="PN", qop="auth"'], 407);
    const req = request('REGISTER', 'sip:r');
    applyAuthorization(req.headers, await c.authorize(proxy, req));
    // The registrar's 401 to that request: its Proxy-Authorization must not go out again as is.
    const answers = await c.authorize(challenge('RN', 'reg'), req);
    expect(answers.map((a) => [a.name, a.realm, a.value.param('nc')])).toEqual([
      ['Authorization', 'reg', '00000001'],
      ['Proxy-Authorization', 'p', '00000002'],
    ]);
    applyAuthorization(req.headers, answers);
    expect(req.headers.getAll('Proxy-Authorization')).toHaveLength(1);
  });
});
