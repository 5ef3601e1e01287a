import { parseAuth } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import { DigestClient, DigestCredentials, REDACTED, redact } from '../src/index.js';
import { challengeResponse, countingRandom, request } from './helpers.js';

describe('redact', () => {
  it('hides the digest response and keeps everything else', async () => {
    const client = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'alice', password: 'pw' }),
      random: countingRandom(),
    });
    const [a] = await client.authorize(
      challengeResponse(['WWW-Authenticate: Digest realm="r", nonce="n", qop="auth", opaque="o"']),
      request('REGISTER', 'sip:r'),
    );
    const value = a!.value.toString();
    const response = a!.value.param('response')!;
    const out = redact('Authorization', value);
    expect(out).not.toContain(response);
    const parsed = parseAuth(out);
    expect(parsed.param('response')).toBe(REDACTED);
    for (const name of ['username', 'realm', 'nonce', 'uri', 'cnonce', 'opaque', 'qop', 'nc']) {
      expect(parsed.param(name)).toBe(a!.value.param(name));
    }
  });

  it('hides Bearer and other token68 credentials, in either header, any name case', () => {
    expect(redact('Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBe(`Bearer ${REDACTED}`);
    expect(redact('proxy-AUTHORIZATION', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l')).toBe(`Basic ${REDACTED}`);
    expect(redact('Proxy-Authorization', 'Digest username="a", realm="r", response="abcd"')).toBe(
      `Digest username="a", realm="r", response="${REDACTED}"`,
    );
  });

  it('hides the whole value after the scheme when it does not parse', () => {
    expect(redact('Authorization', 'Digest response="abc')).toBe(`Digest ${REDACTED}`);
  });

  it('leaves other headers alone', () => {
    const challenge = 'Digest realm="r", nonce="n"';
    expect(redact('WWW-Authenticate', challenge)).toBe(challenge);
    expect(redact('Via', 'SIP/2.0/UDP h;branch=z9hG4bK1')).toBe('SIP/2.0/UDP h;branch=z9hG4bK1');
  });
});
