import { fromJsSIP, fromPjsip, type UserAgentConfig } from '@sipkit/config';
import { BearerCredentials, type BearerTokenProvider } from '@sipkit/digest';
import { createResponse, type SipRequest } from '@sipkit/parser';
import type { StateChange } from '@sipkit/registerer';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, test } from 'vitest';
import { UserAgent } from '../src/index.js';
import { FakeRegistrar } from './fake-registrar.js';
import { run, seeded, stopWhileRunning } from './virtual-time.js';

// RFC 8898 tokens expire: a 401 to a request that carried token T refuses T, so the provider is
// asked for a new one, whatever the challenge's `error` says, and the registration goes on.

const jssip = { uri: 'sip:alice@example.test', sockets: ['wss://edge.example.test'] };

/** A config of the profile without digest credentials (the token comes from the provider). */
function bearerOnly(profile: 'sipkit' | 'jssip' | 'asterisk'): UserAgentConfig {
  const base =
    profile === 'asterisk'
      ? fromPjsip(
          [
            '[reg]',
            'type=registration',
            'server_uri=sip:127.0.0.1;transport=ws',
            'client_uri=sip:alice@example.test',
            'max_random_initial_delay=0',
          ].join('\n'),
          { registration: 'reg' },
        )
      : fromJsSIP(jssip, { profile: profile === 'jssip' ? 'source' : profile });
  return { ...base, credentials: { digest: [], bearer: undefined } };
}

/**
 * A registrar where each token is good for one REGISTER, then expired (binding for 60 s), so
 * every refresh meets an expired token. `withError`: the challenge to a token says invalid_token.
 */
function expiringTokens(clock: VirtualClock, withError: boolean, accept = () => true): FakeRegistrar {
  const registrar = new FakeRegistrar(clock);
  let valid = 1;
  registrar.hostile = (req: SipRequest) => {
    const sent = req.headers.getAll('Authorization');
    if (sent.length === 1 && sent[0] === `Bearer tok${valid}` && accept()) {
      valid++;
      const res = createResponse(req, 200, { toTag: 'reg' });
      for (const c of req.contact) if (c !== '*') res.headers.append('Contact', `<${c.uri}>;expires=60`);
      return [res];
    }
    const res = createResponse(req, 401, { toTag: 'reg' });
    const error = withError && sent.length > 0 ? ', error="invalid_token"' : '';
    res.headers.append('WWW-Authenticate', `Bearer realm="example.test"${error}`);
    return [res];
  };
  return registrar;
}

async function startWith(config: UserAgentConfig, registrar: FakeRegistrar, provider: BearerTokenProvider) {
  const ua = new UserAgent(config, {
    clock: registrar.clock,
    random: seeded(),
    transportFactory: registrar.factory,
    credentials: [BearerCredentials.fromProvider(provider)],
  });
  const changes: StateChange[] = [];
  ua.on('registration', (c) => changes.push(c));
  await ua.start();
  return { ua, changes };
}

describe('an expired Bearer token is replaced and the registration recovers, expiry after expiry', () => {
  for (const profile of ['sipkit', 'jssip'] as const) {
    for (const withError of [true, false]) {
      test(`${profile} profile, error param ${withError ? 'present' : 'absent'}`, async () => {
        const clock = new VirtualClock();
        const registrar = expiringTokens(clock, withError);
        const asked: string[] = [];
        let n = 0;
        const { ua, changes } = await startWith(bearerOnly(profile), registrar, (context) => {
          asked.push(context.reason);
          return `tok${++n}`;
        });
        await run(clock, 300_000, 200);
        expect(ua.registerer?.profile.name).toBe(profile);
        expect(changes.map((c) => c.authError?.code).filter(Boolean)).toEqual([]);
        expect(ua.registerer?.state).toBe('registered');
        // A refresh about every 50 s over 300 s: each one met an expired token and got a new one.
        expect(n).toBeGreaterThanOrEqual(5);
        expect(asked[0]).toBe('challenge');
        expect(new Set(asked.slice(1))).toEqual(new Set(['rejected']));
        expect(changes.filter((c) => c.reason === 'refreshed').length).toBe(n - 1);
        await stopWhileRunning(ua, clock);
      });
    }
  }

  test('sipkit keeps sending the token preemptively after a refused one (one round trip per expiry)', async () => {
    const clock = new VirtualClock();
    const registrar = expiringTokens(clock, false);
    let n = 0;
    const { ua } = await startWith(bearerOnly('sipkit'), registrar, () => `tok${++n}`);
    await run(clock, 300_000, 200);
    const sent = registrar.received.map((r) => r.headers.getAll('Authorization'));
    // Only the very first REGISTER goes without a token.
    expect(sent.filter((lines) => lines.length === 0)).toHaveLength(1);
    expect(sent.slice(0, 5)).toEqual([
      [],
      ['Bearer tok1'],
      ['Bearer tok1'],
      ['Bearer tok2'],
      ['Bearer tok2'],
    ]);
    await stopWhileRunning(ua, clock);
  });
});

describe('a token that stays refused ends in a typed failure, not a loop', () => {
  for (const profile of ['sipkit', 'jssip'] as const) {
    test(`${profile}: the provider hands back the refused token`, async () => {
      const clock = new VirtualClock();
      const registrar = expiringTokens(clock, true);
      const { ua, changes } = await startWith(bearerOnly(profile), registrar, () => 'tok1');
      await run(clock, 300_000, 200);
      expect(ua.registerer?.state).toBe('rejected');
      expect(changes.at(-1)?.authError?.code).toBe('rejected-credentials');
      expect(registrar.received.length).toBeLessThanOrEqual(6);
      await stopWhileRunning(ua, clock);
    });

    test(`${profile}: every new token is refused too`, async () => {
      const clock = new VirtualClock();
      let first = true;
      // Only the very first token is ever accepted.
      const registrar = expiringTokens(clock, true, () => {
        const was = first;
        first = false;
        return was;
      });
      let n = 0;
      const { ua, changes } = await startWith(bearerOnly(profile), registrar, () => `tok${++n}`);
      await run(clock, 300_000, 200);
      expect(ua.registerer?.state).toBe('rejected');
      expect(changes.at(-1)?.authError?.code).toBe('rejected-credentials');
      expect(n).toBeLessThanOrEqual(3);
      await stopWhileRunning(ua, clock);
    });
  }

  test('asterisk (one authenticated REGISTER per request, as pjsip): the expired token is a rejection', async () => {
    const clock = new VirtualClock();
    const registrar = expiringTokens(clock, true);
    let n = 0;
    const { ua, changes } = await startWith(bearerOnly('asterisk'), registrar, () => `tok${++n}`);
    await run(clock, 300_000, 200);
    expect(ua.registerer?.profile.name).toBe('asterisk');
    expect(ua.registerer?.state).toBe('rejected');
    expect(changes.at(-1)?.authError?.code).toBe('rejected-credentials');
    await stopWhileRunning(ua, clock);
  });
});

test('a provider token that is not an RFC 6750 b64token is refused typed, never sent', async () => {
  const clock = new VirtualClock();
  const registrar = expiringTokens(clock, false);
  const { ua, changes } = await startWith(bearerOnly('sipkit'), registrar, () => 'tok with, space="x"');
  await run(clock, 5_000, 200);
  expect(registrar.received).toHaveLength(1);
  expect(changes.at(-1)?.authError?.code).toBe('invalid-credentials');
  expect(changes.at(-1)?.authError?.message).not.toContain('space');
  await stopWhileRunning(ua, clock);
});
