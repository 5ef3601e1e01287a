import { Headers } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  applyAuthorization,
  BearerCredentials,
  type BearerTokenContext,
  DigestClient,
} from '../src/index.js';
import { challengeResponse, request } from './helpers.js';

const BEARER =
  'WWW-Authenticate: Bearer realm="atlanta.com", scope="abc", authz_server="https://as.atlanta.com/token"';

/** A client whose provider hands out `token-1`, `token-2`, ... and records why it was asked. */
function numberedTokens(): { client: DigestClient; reasons: string[] } {
  let n = 0;
  const reasons: string[] = [];
  const client = new DigestClient({
    credentials: BearerCredentials.fromProvider((ctx) => {
      reasons.push(ctx.reason);
      return `token-${++n}`;
    }),
  });
  return { client, reasons };
}

describe('Bearer (RFC 8898)', () => {
  it('answers with a static token as Authorization: Bearer <token>', async () => {
    const client = new DigestClient({ credentials: BearerCredentials.fromToken('t0k3n') });
    const [a] = await client.authorize(challengeResponse([BEARER]), request('REGISTER', 'sip:atlanta.com'));
    expect(a!.name).toBe('Authorization');
    expect(a!.realm).toBe('atlanta.com');
    expect(a!.value.toString()).toBe('Bearer t0k3n');
  });

  it('answers a Proxy-Authenticate Bearer challenge with Proxy-Authorization', async () => {
    const client = new DigestClient({ credentials: BearerCredentials.fromToken('t') });
    const [a] = await client.authorize(
      challengeResponse(['Proxy-Authenticate: Bearer realm="edge"'], 407),
      request('INVITE', 'sip:b@x'),
    );
    expect(a!.name).toBe('Proxy-Authorization');
  });

  it('calls the provider on the first challenge with what the challenge said, then reuses the token', async () => {
    const calls: BearerTokenContext[] = [];
    const provider = async (ctx: BearerTokenContext) => {
      calls.push(ctx);
      return `token-${calls.length}`;
    };
    const client = new DigestClient({ credentials: BearerCredentials.fromProvider(provider) });
    const first = await client.authorize(challengeResponse([BEARER]), request('REGISTER', 'sip:atlanta.com'));
    expect(first[0]!.value.token68).toBe('token-1');
    expect(calls).toEqual([
      {
        reason: 'challenge',
        realm: 'atlanta.com',
        scope: 'abc',
        authzServer: 'https://as.atlanta.com/token',
      },
    ]);
    // A challenge to a request that did not carry the token (e.g. a new dialog): same token, no call.
    const second = await client.authorize(
      challengeResponse([BEARER]),
      request('INVITE', 'sip:b@atlanta.com'),
    );
    expect(second[0]!.value.token68).toBe('token-1');
    expect(calls).toHaveLength(1);
    // A refresh request carries the cached token without a challenge.
    expect(client.reauthorize(request('REGISTER', 'sip:atlanta.com'))[0]!.value.toString()).toBe(
      'Bearer token-1',
    );
  });

  it('asks the provider again when the server refuses the token it was sent (expiry)', async () => {
    const { client, reasons } = numberedTokens();
    const req = request('REGISTER', 'sip:atlanta.com');
    applyAuthorization(req.headers, await client.authorize(challengeResponse([BEARER]), req));
    expect(req.headers.getAll('Authorization')).toEqual(['Bearer token-1']);
    const expired = challengeResponse([`${BEARER}, error="invalid_token"`]);
    applyAuthorization(req.headers, await client.authorize(expired, req));
    expect(req.headers.getAll('Authorization')).toEqual(['Bearer token-2']);
    expect(reasons).toEqual(['challenge', 'rejected']);
  });

  it('takes a token carried by the challenged request (AuthRequest.challenged) as refused, error param or not', async () => {
    const { client, reasons } = numberedTokens();
    await client.authorize(challengeResponse([BEARER]), request('REGISTER', 'sip:atlanta.com'));
    // A registerer builds the retry without the refused line and hands the sent request apart.
    const sent = new Headers().append('Authorization', 'Bearer token-1');
    const [a] = await client.authorize(challengeResponse([BEARER]), {
      ...request('REGISTER', 'sip:atlanta.com'),
      challenged: sent,
    });
    expect(a!.value.toString()).toBe('Bearer token-2');
    expect(reasons).toEqual(['challenge', 'rejected']);
    // The provider handing back the refused token again is final.
    const stuck = new DigestClient({ credentials: BearerCredentials.fromProvider(() => 'same') });
    await stuck.authorize(challengeResponse([BEARER]), request('REGISTER', 'sip:a'));
    await expect(
      stuck.authorize(challengeResponse([BEARER]), {
        ...request('REGISTER', 'sip:a'),
        challenged: new Headers().append('Authorization', 'Bearer same'),
      }),
    ).rejects.toMatchObject({ code: 'rejected-credentials' });
  });

  it('refuses a token outside the RFC 6750 b64token syntax (invalid-credentials), never quoting it', async () => {
    for (const bad of ['tok with, space="x"', 'tok\r\nX-Evil: 1', 'a"b', 'tok=x', '']) {
      const error = (() => {
        try {
          BearerCredentials.fromToken(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toMatchObject({ name: 'AuthenticationError', code: 'invalid-credentials' });
      if (bad) expect((error as Error).message).not.toContain(bad);
    }
    for (const bad of ['tok with, space="x"', 'a\nb']) {
      const client = new DigestClient({ credentials: BearerCredentials.fromProvider(() => bad) });
      const error = await client.authorize(challengeResponse([BEARER]), request('R', 'sip:a')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'invalid-credentials', realm: 'atlanta.com' });
      expect((error as Error).message).not.toContain(bad);
    }
    // The whole b64token alphabet, with trailing padding, is fine.
    const good = 'Az09-._~+/==';
    const [a] = await new DigestClient({ credentials: BearerCredentials.fromToken(good) }).authorize(
      challengeResponse([BEARER]),
      request('R', 'sip:a'),
    );
    expect(a!.value.toString()).toBe(`Bearer ${good}`);
  });

  it('refreshes on error="invalid_token" even when the request headers are not given', async () => {
    let n = 0;
    const client = new DigestClient({ credentials: BearerCredentials.fromProvider(() => `t${++n}`) });
    await client.authorize(challengeResponse([BEARER]), { method: 'REGISTER', uri: 'sip:a' });
    const [a] = await client.authorize(challengeResponse([`${BEARER}, error="invalid_token"`]), {
      method: 'REGISTER',
      uri: 'sip:a',
    });
    expect(a!.value.token68).toBe('t2');
  });

  it('invalidate() makes the next challenge ask the provider', async () => {
    let n = 0;
    const creds = BearerCredentials.fromProvider(() => `t${++n}`);
    const client = new DigestClient({ credentials: creds });
    await client.authorize(challengeResponse([BEARER]), request('REGISTER', 'sip:a'));
    expect(creds.hasToken).toBe(true);
    creds.invalidate();
    expect(creds.hasToken).toBe(false);
    const [a] = await client.authorize(challengeResponse([BEARER]), request('REGISTER', 'sip:a'));
    expect(a!.value.token68).toBe('t2');
  });

  it('rejected-credentials when a static token is refused, or the provider returns the refused token', async () => {
    const staticClient = new DigestClient({ credentials: BearerCredentials.fromToken('fixed') });
    const headers = new Headers().append('Authorization', 'Bearer fixed');
    await expect(
      staticClient.authorize(challengeResponse([BEARER]), request('REGISTER', 'sip:a', undefined, headers)),
    ).rejects.toMatchObject({ name: 'AuthenticationError', code: 'rejected-credentials' });

    const stuck = new DigestClient({ credentials: BearerCredentials.fromProvider(() => 'same') });
    const req = request('REGISTER', 'sip:a');
    applyAuthorization(req.headers, await stuck.authorize(challengeResponse([BEARER]), req));
    await expect(stuck.authorize(challengeResponse([BEARER]), req)).rejects.toMatchObject({
      code: 'rejected-credentials',
    });
  });

  it('token-unavailable, with the provider error as cause, when the provider throws or rejects', async () => {
    const down = new Error('network down');
    for (const provider of [
      async () => {
        throw down;
      },
      () => {
        throw down;
      },
    ]) {
      const client = new DigestClient({ credentials: BearerCredentials.fromProvider(provider) });
      const error = await client.authorize(challengeResponse([BEARER]), request('R', 'sip:a')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ code: 'token-unavailable', realm: 'atlanta.com', cause: down });
    }
  });

  it('missing-credentials when the provider gives nothing; realm-mismatch for a bound realm', async () => {
    const empty = new DigestClient({ credentials: BearerCredentials.fromProvider(() => '') });
    await expect(empty.authorize(challengeResponse([BEARER]), request('R', 'sip:a'))).rejects.toMatchObject({
      code: 'missing-credentials',
    });
    const bound = new DigestClient({
      credentials: BearerCredentials.fromToken('t', { realm: 'biloxi.com' }),
    });
    await expect(bound.authorize(challengeResponse([BEARER]), request('R', 'sip:a'))).rejects.toMatchObject({
      code: 'realm-mismatch',
    });
  });
});
