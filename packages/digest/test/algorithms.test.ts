import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeHa1,
  computeResponse,
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  DigestClient,
  DigestCredentials,
  hashHex,
  parseAlgorithm,
  type Qop,
} from '../src/index.js';
import { challengeResponse, countingRandom, request } from './helpers.js';

// An independent implementation (node:crypto) to check ours against.
const NODE_NAME = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' } as const;
function nodeHash(algorithm: DigestAlgorithm, data: string | Uint8Array): string {
  const base = algorithm.replace(/-sess$/, '') as keyof typeof NODE_NAME;
  return createHash(NODE_NAME[base]).update(data).digest('hex');
}

function nodeResponse(a: {
  algorithm: DigestAlgorithm;
  user: string;
  realm: string;
  password: string;
  nonce: string;
  cnonce: string;
  nc: string;
  qop: Qop | undefined;
  method: string;
  uri: string;
  body: Uint8Array;
}): string {
  const h = (s: string | Uint8Array) => nodeHash(a.algorithm, s);
  let ha1 = h(`${a.user}:${a.realm}:${a.password}`);
  if (a.algorithm.endsWith('-sess')) ha1 = h(`${ha1}:${a.nonce}:${a.cnonce}`);
  const ha2 = a.qop === 'auth-int' ? h(`${a.method}:${a.uri}:${h(a.body)}`) : h(`${a.method}:${a.uri}`);
  return a.qop ? h(`${ha1}:${a.nonce}:${a.nc}:${a.cnonce}:${a.qop}:${ha2}`) : h(`${ha1}:${a.nonce}:${ha2}`);
}

const body = new TextEncoder().encode('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=é\r\n');

describe('hash functions', () => {
  it.each([
    ['MD5', 'md5'],
    ['SHA-256', 'sha256'],
    ['SHA-512-256', 'sha512-256'],
  ] as const)('%s equals node %s on text and bytes', (name, node) => {
    for (const input of ['', 'abc', 'Jäsøn Doe:api@example.org']) {
      expect(hashHex(name, input)).toBe(createHash(node).update(input, 'utf8').digest('hex'));
    }
    expect(hashHex(name, body)).toBe(createHash(node).update(body).digest('hex'));
  });

  it('parses algorithm names case-insensitively, MD5 when absent, null when unknown', () => {
    expect(parseAlgorithm(undefined)).toBe('MD5');
    expect(parseAlgorithm('sha-256-SESS')).toBe('SHA-256-sess');
    expect(parseAlgorithm('md5')).toBe('MD5');
    expect(parseAlgorithm('AKAv1-MD5')).toBeNull();
    expect(parseAlgorithm('SHA-512')).toBeNull();
  });
});

describe.each(DIGEST_ALGORITHMS.map((a) => [a]))('%s', (algorithm) => {
  const base = {
    user: 'alice',
    realm: 'sip.example.org',
    password: 's3cret',
    nonce: 'abc123',
    method: 'INVITE',
  };

  it.each([['auth'], ['auth-int'], [undefined]] as const)(
    'computeResponse with qop=%s matches node:crypto',
    (qop) => {
      const args = {
        ...base,
        algorithm,
        cnonce: 'xyz',
        nc: '0000000a',
        qop,
        uri: 'sip:bob@example.org',
        body,
      };
      const ha1 = computeHa1(algorithm.replace(/-sess$/, '') as 'MD5', base.user, base.realm, base.password);
      expect(
        computeResponse({
          algorithm,
          ha1,
          nonce: args.nonce,
          cnonce: args.cnonce,
          nc: args.nc,
          ...(qop ? { qop } : {}),
          method: args.method,
          uri: args.uri,
          body,
        }),
      ).toBe(nodeResponse(args));
    },
  );

  it.each([
    ['qop="auth"', 'auth'],
    ['qop="auth-int"', 'auth-int'],
    ['', undefined],
  ] as const)('the client answers a challenge with %s correctly', async (qopParam, qop) => {
    const client = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: base.user, password: base.password }),
      random: countingRandom(),
    });
    const line = `WWW-Authenticate: Digest realm="${base.realm}", nonce="${base.nonce}", algorithm=${algorithm}${qopParam ? `, ${qopParam}` : ''}`;
    const sent = { method: 'INVITE', uri: 'sip:bob@example.org', body };
    if (!qop && algorithm.endsWith('-sess')) {
      // A -sess HA1 needs a cnonce, which RFC 2617 forbids without qop: no conforming answer.
      await expect(client.authorize(challengeResponse([line]), sent)).rejects.toMatchObject({
        name: 'AuthenticationError',
        code: 'no-supported-algorithm',
        realm: base.realm,
      });
      return;
    }
    const [answer] = await client.authorize(challengeResponse([line]), sent);
    const v = answer!.value;
    expect(v.param('algorithm')).toBe(algorithm);
    expect(v.param('qop')).toBe(qop);
    if (qop) expect(v.param('nc')).toBe('00000001');
    else expect(v.param('nc')).toBeUndefined();
    // RFC 2069: no cnonce.
    if (!qop) expect(v.param('cnonce')).toBeUndefined();
    else expect(v.param('cnonce')).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(v.param('response')).toBe(
      nodeResponse({
        ...base,
        algorithm,
        cnonce: v.param('cnonce') ?? '',
        nc: v.param('nc') ?? '',
        qop,
        uri: 'sip:bob@example.org',
        body,
      }),
    );
  });
});

describe('auth-int', () => {
  it('hashes the body bytes, so a changed body changes the response', async () => {
    const make = () =>
      new DigestClient({
        credentials: DigestCredentials.fromPassword({ username: 'a', password: 'p' }),
        random: countingRandom(),
      });
    const line = 'Proxy-Authenticate: Digest realm="r", nonce="n", qop="auth-int", algorithm=SHA-256';
    const one = await make().authorize(
      challengeResponse([line], 407),
      request('INVITE', 'sip:b@r', 'body one'),
    );
    const two = await make().authorize(
      challengeResponse([line], 407),
      request('INVITE', 'sip:b@r', 'body two'),
    );
    expect(one[0]!.name).toBe('Proxy-Authorization');
    expect(one[0]!.value.param('qop')).toBe('auth-int');
    expect(one[0]!.value.param('cnonce')).toBe(two[0]!.value.param('cnonce'));
    expect(one[0]!.value.param('response')).not.toBe(two[0]!.value.param('response'));
  });

  it('answers auth unless told to prefer auth-int when both are offered', async () => {
    const line = 'WWW-Authenticate: Digest realm="r", nonce="n", qop="auth-int,auth"';
    const creds = DigestCredentials.fromPassword({ username: 'a', password: 'p' });
    const plain = await new DigestClient({ credentials: creds }).authorize(
      challengeResponse([line]),
      request('MESSAGE', 'sip:b@r', 'hi'),
    );
    const strict = await new DigestClient({ credentials: creds, preferAuthInt: true }).authorize(
      challengeResponse([line]),
      request('MESSAGE', 'sip:b@r', 'hi'),
    );
    expect(plain[0]!.value.param('qop')).toBe('auth');
    expect(strict[0]!.value.param('qop')).toBe('auth-int');
  });
});

describe('nonce counts and cnonce', () => {
  it('counts per nonce: 1, 2, 3 on one nonce, 1 again on a new nonce', async () => {
    const client = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'a', password: 'p' }),
      random: countingRandom(),
    });
    const ch = (nonce: string) =>
      challengeResponse([`WWW-Authenticate: Digest realm="r", nonce="${nonce}", qop="auth"`]);
    const nc = async (nonce: string) =>
      (await client.authorize(ch(nonce), request('REGISTER', 'sip:r')))[0]!.value.param('nc');
    expect(await nc('n1')).toBe('00000001');
    expect(await nc('n1')).toBe('00000002');
    expect(await nc('n2')).toBe('00000001');
    expect(await nc('n1')).toBe('00000003');
  });

  it('draws each cnonce from the injected random source', async () => {
    const calls: number[] = [];
    const client = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'a', password: 'p' }),
      cnonceBytes: 6,
      random: (n) => {
        calls.push(n);
        return new Uint8Array(n).fill(calls.length);
      },
    });
    const ch = challengeResponse(['WWW-Authenticate: Digest realm="r", nonce="n", qop="auth"']);
    const first = await client.authorize(ch, request('REGISTER', 'sip:r'));
    const second = await client.authorize(ch, request('REGISTER', 'sip:r'));
    expect(calls).toEqual([6, 6]);
    expect(first[0]!.value.param('cnonce')).toBe(Buffer.from(new Uint8Array(6).fill(1)).toString('base64'));
    expect(second[0]!.value.param('cnonce')).toBe(Buffer.from(new Uint8Array(6).fill(2)).toString('base64'));
  });

  it('reauthorize sends the next nc on the remembered nonce without a new challenge', async () => {
    const client = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'a', password: 'p' }),
      random: countingRandom(),
    });
    expect(client.reauthorize(request('REGISTER', 'sip:r'))).toEqual([]);
    await client.authorize(
      challengeResponse(['WWW-Authenticate: Digest realm="r", nonce="n", qop="auth", opaque="o"']),
      request('REGISTER', 'sip:r'),
    );
    const again = client.reauthorize(request('REGISTER', 'sip:r'));
    expect(again).toHaveLength(1);
    expect(again[0]!.value.param('nc')).toBe('00000002');
    expect(again[0]!.value.param('nonce')).toBe('n');
    expect(again[0]!.value.param('opaque')).toBe('o');
    client.reset();
    expect(client.reauthorize(request('REGISTER', 'sip:r'))).toEqual([]);
  });
});
