import type { SipRequest, SipResponse } from '@sipkit/parser';
import { type Authenticator, createAsteriskProfile } from '@sipkit/registerer';
import { describe, expect, it } from 'vitest';
import { ok, type Responder, setup, status, tick } from './helpers.js';

// Which further challenges a profile answers within one REGISTER: a realm not answered yet
// (RFC 3261 section 22.3), and a Bearer token the registrar refused (RFC 6750, RFC 8898).

/** A 401 (or a 407 with `proxy`) naming `realm`. */
const digestIn = (realm: string, proxy = false): Responder =>
  status(proxy ? 407 : 401, [
    [
      proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate',
      `Digest realm="${realm}", nonce="n-${realm}", qop="auth"`,
    ],
  ]);

/** Asterisk's profile, first REGISTER at once. */
const pjsipProfile = () => createAsteriskProfile({ maxRandomInitialDelay: 0 });

const bearer: Responder = status(401, [['WWW-Authenticate', 'Bearer realm="example.com"']]);

describe('a challenge in a realm not answered yet for the request', () => {
  it('sipkit answers the registrar 401 after the proxy 407, and registers', async () => {
    const { reg, sender, auth } = setup('sipkit');
    sender.answer(digestIn('proxy', true), digestIn('registrar'), ok(600));
    await reg.register();
    expect(reg.state).toBe('registered');
    expect(auth.calls).toBe(2);
    // The answer to the 401 still carries the proxy's credentials.
    expect(sender.sent[2]!.headers.getAll('Proxy-Authorization')).toHaveLength(1);
    expect(sender.sent[2]!.headers.getAll('Authorization')).toHaveLength(1);
    reg.dispose();
  });

  it('sipkit stops when an answered realm is challenged again (its credentials were just refused)', async () => {
    const { reg, sender, changes } = setup('sipkit');
    sender.answer(digestIn('proxy', true), digestIn('registrar'), digestIn('proxy', true));
    await reg.register().catch(() => undefined);
    expect(sender.sent).toHaveLength(3);
    expect(reg.state).toBe('rejected');
    expect(changes.at(-1)?.authError?.code).toBe('rejected-credentials');
    reg.dispose();
  });

  it('sipkit answers four realms at most per request', async () => {
    const { reg, sender, auth } = setup('sipkit');
    sender.answer(...['a', 'b', 'c', 'd', 'e'].map((r) => digestIn(r)));
    await reg.register().catch(() => undefined);
    expect(auth.calls).toBe(4);
    expect(reg.state).toBe('rejected');
    reg.dispose();
  });

  for (const profile of ['jssip', 'sipjs', 'asterisk'] as const) {
    it(`${profile} gives up at the second challenge, another realm or not, as its source does`, async () => {
      const { reg, sender, auth, clock } = setup(profile === 'asterisk' ? pjsipProfile() : profile);
      sender.answer(digestIn('proxy', true), digestIn('registrar'));
      const done = reg.register().catch(() => undefined);
      // Asterisk sends its first REGISTER from a timer, even with no initial delay.
      if (profile === 'asterisk') await tick(clock);
      await done;
      expect(auth.calls).toBe(1);
      expect(sender.sent).toHaveLength(2);
      expect(reg.state).toBe('rejected');
      reg.dispose();
    });
  }
});

/** Answers Bearer challenges with `tok1`, `tok2`, ...; records what it was handed. */
class TokenAuthenticator implements Authenticator {
  issued = 0;
  readonly challengedTokens: (string | undefined)[] = [];
  authorize(
    _challenge: SipResponse,
    request: SipRequest,
    _policy?: unknown,
    challenged?: SipRequest,
  ): boolean {
    this.challengedTokens.push(challenged?.headers.get('Authorization'));
    request.headers.append('Authorization', `Bearer tok${++this.issued}`);
    return true;
  }
  preauthorize(request: SipRequest): boolean {
    if (this.issued === 0) return false;
    request.headers.append('Authorization', `Bearer tok${this.issued}`);
    return true;
  }
}

describe('a Bearer challenge to a request that carried a token', () => {
  it('hands the authenticator the request as sent, with the refused token', async () => {
    const authenticator = new TokenAuthenticator();
    const { reg, sender } = setup('sipkit', { authenticator });
    sender.answer(bearer, ok(600), bearer, ok(600));
    await reg.register();
    await reg.register();
    expect(authenticator.challengedTokens).toEqual([undefined, 'Bearer tok1']);
    reg.dispose();
  });

  it('sipkit keeps sending the token preemptively: a refused token is not a refused nonce reuse', async () => {
    const authenticator = new TokenAuthenticator();
    const { reg, sender } = setup('sipkit', { authenticator });
    sender.answer(bearer, ok(600), bearer, ok(600), ok(600));
    await reg.register();
    await reg.register();
    await reg.register();
    expect(sender.sent.map((r) => r.headers.get('Authorization'))).toEqual([
      undefined,
      'Bearer tok1',
      'Bearer tok1',
      'Bearer tok2',
      'Bearer tok2',
    ]);
    reg.dispose();
  });

  for (const profile of ['jssip', 'sipjs', 'sipkit'] as const) {
    it(`${profile} answers once more, as for a stale nonce: the token expired, the authority stands`, async () => {
      const authenticator = new TokenAuthenticator();
      const { reg, sender } = setup(profile, { authenticator });
      sender.answer(bearer, bearer, ok(600));
      await reg.register();
      expect(reg.state).toBe('registered');
      expect(sender.sent.map((r) => r.headers.get('Authorization'))).toEqual([
        undefined,
        'Bearer tok1',
        'Bearer tok2',
      ]);
      reg.dispose();
    });

    it(`${profile} still stops at a third challenge`, async () => {
      const authenticator = new TokenAuthenticator();
      const { reg, sender, changes } = setup(profile, { authenticator });
      sender.answer(bearer, bearer, bearer);
      await reg.register().catch(() => undefined);
      expect(sender.sent).toHaveLength(3);
      expect(reg.state).toBe('rejected');
      expect(changes.at(-1)?.authError?.code).toBe('rejected-credentials');
      reg.dispose();
    });
  }

  it('asterisk answers one challenge per request, token or not', async () => {
    const authenticator = new TokenAuthenticator();
    const { reg, sender, clock } = setup(pjsipProfile(), { authenticator });
    sender.answer(bearer, bearer);
    const done = reg.register().catch(() => undefined);
    await tick(clock);
    await done;
    expect(sender.sent).toHaveLength(2);
    expect(reg.state).toBe('rejected');
    reg.dispose();
  });
});
