import { inspect } from 'node:util';
import { fromJsSIP, fromPjsip, fromSipJs, type UserAgentConfig } from '@sipkit/config';
import { BearerCredentials, computeHa1, type DigestAlgorithm } from '@sipkit/digest';
import { createResponse, type SipRequest, type SipResponse } from '@sipkit/parser';
import { RegistrationError, type StateChange } from '@sipkit/registerer';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, test } from 'vitest';
import { UserAgent, UserAgentError, type UserAgentOptions } from '../src/index.js';
import { FakeRegistrar } from './fake-registrar.js';
import { run, seeded, stopWhileRunning } from './virtual-time.js';

// Authentication through the whole user agent: config adapter, profile, authenticator, real
// DigestClient and registerer, against a registrar on a virtual clock.

const jssip = { uri: 'sip:alice@example.test', password: 'secret', sockets: ['wss://edge.example.test'] };

/** A pjsip.conf registration using the auth sections given (`[name]` lines and options). */
function pjsip(auth: string[], outboundAuth = 'auth'): UserAgentConfig {
  const text = [
    ...auth,
    '[reg]',
    'type=registration',
    `outbound_auth=${outboundAuth}`,
    'server_uri=sip:127.0.0.1;transport=ws',
    'client_uri=sip:alice@example.test',
    'max_random_initial_delay=0',
  ].join('\n');
  return fromPjsip(text, { registration: 'reg' });
}

interface Started {
  ua: UserAgent;
  changes: StateChange[];
  /** The outcome of `register()` when the config does not register by itself. */
  outcome: Promise<unknown>;
}

/** Starts a user agent on `config` against `registrar` and lets `ms` (default 1.5 s) of virtual time pass; or takes more options. */
async function start(
  config: UserAgentConfig,
  registrar: FakeRegistrar,
  ms: number | UserAgentOptions = 1_500,
): Promise<Started> {
  const ua = new UserAgent(config, {
    clock: registrar.clock,
    random: seeded(),
    transportFactory: registrar.factory,
    ...(typeof ms === 'number' ? {} : ms),
  });
  const changes: StateChange[] = [];
  ua.on('registration', (c) => changes.push(c));
  await ua.start();
  const outcome = config.registration.enabled
    ? Promise.resolve()
    : ua.register().then(
        () => undefined,
        (e: unknown) => e,
      );
  await run(registrar.clock, typeof ms === 'number' ? ms : 1_500, 50);
  return { ua, changes, outcome };
}

/** The Authorization parameters of the `i`-th request the registrar received. */
function answer(registrar: FakeRegistrar, i: number) {
  return registrar.received[i]?.authorization[0];
}

/** A 401 with one Digest challenge per algorithm. */
function challenge(req: SipRequest, nonce: string, extra = '', algorithms = ['MD5']): SipResponse {
  const res = createResponse(req, 401, { toTag: 'reg' });
  for (const a of algorithms)
    res.headers.append(
      'WWW-Authenticate',
      `Digest realm="example.test", nonce="${nonce}", qop="auth", algorithm=${a}${extra}`,
    );
  return res;
}

function ok(req: SipRequest): SipResponse {
  const res = createResponse(req, 200, { toTag: 'reg' });
  for (const c of req.contact) if (c !== '*') res.headers.append('Contact', `<${c.uri}>;expires=600`);
  return res;
}

const ha1 = computeHa1('MD5', 'alice', 'example.test', 'secret');

describe('an HA1 without an exact realm (issue 1)', () => {
  test('SIP.js authorizationHa1 is used for the challenged realm, unchecked', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const config = fromSipJs({
      uri: 'sip:alice@example.test',
      authorizationHa1: ha1,
      transportOptions: { server: 'wss://edge.example.test' },
    });
    const { ua, outcome } = await start(config, registrar);
    expect(await outcome).toBeUndefined();
    expect(ua.registerer?.state).toBe('registered');
    await stopWhileRunning(ua, clock);
  });

  test.each([
    ['password_digest without realm', [`password_digest=MD5:${ha1}`]],
    ['md5_cred with realm=*', [`md5_cred=${ha1}`, 'realm=*']],
  ])('Asterisk %s answers any realm', async (_name, options) => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const config = pjsip(['[auth]', 'type=auth', 'username=alice', ...options]);
    const { ua } = await start(config, registrar);
    expect(ua.registerer?.state).toBe('registered');
    expect(answer(registrar, 1)?.param('realm')).toBe('example.test');
    await stopWhileRunning(ua, clock);
  });
});

describe('Asterisk supported_algorithms_uac (issue 2)', () => {
  test('password_digest=SHA-256 with supported_algorithms_uac=SHA-256 answers SHA-256 of "SHA-256, MD5"', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock, 'alice', 'secret', {}, { algorithms: ['SHA-256', 'MD5'] });
    const sha = computeHa1('SHA-256', 'alice', 'example.test', 'secret');
    const config = pjsip([
      '[auth]',
      'type=auth',
      'username=alice',
      `password_digest=SHA-256:${sha}`,
      'supported_algorithms_uac=SHA-256',
      'realm=example.test',
    ]);
    const { ua } = await start(config, registrar);
    expect(answer(registrar, 1)?.param('algorithm')).toBe('SHA-256');
    expect(ua.registerer?.state).toBe('registered');
    await stopWhileRunning(ua, clock);
  });

  test('a password limited to SHA-256 does not answer an MD5-only registrar', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const config = pjsip([
      '[auth]',
      'type=auth',
      'username=alice',
      'password=secret',
      'supported_algorithms_uac=SHA-256',
    ]);
    const { ua, changes } = await start(config, registrar);
    expect(registrar.received).toHaveLength(1);
    expect(changes.at(-1)?.authError?.code).toBe('no-supported-algorithm');
    await stopWhileRunning(ua, clock);
  });
});

describe('several credentials, realm case (issue 3)', () => {
  test('an exact realm beats the wildcard listed first; Asterisk ignores the realm case', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock, 'alice', 'secret', { bob: 'wrong-one' });
    const config = pjsip(
      [
        '[any]',
        'type=auth',
        'username=bob',
        'password=not-this',
        '[exact]',
        'type=auth',
        'username=alice',
        'password=secret',
        'realm=EXAMPLE.test',
      ],
      'any,exact',
    );
    const { ua } = await start(config, registrar);
    expect(answer(registrar, 1)?.param('username')).toBe('alice');
    expect(ua.registerer?.state).toBe('registered');
    await stopWhileRunning(ua, clock);
  });
});

describe('the reason of an authentication failure reaches the user (issue 4)', () => {
  async function failure(config: UserAgentConfig, registrar: FakeRegistrar) {
    const { ua, changes } = await start(config, registrar);
    const failed = changes.find((c) => c.reason === 'failed');
    const again = ua.register().then(
      () => undefined,
      (e: unknown) => e,
    );
    await run(registrar.clock, 500, 50);
    const error = await again;
    await stopWhileRunning(ua, registrar.clock);
    return { failed, error: error as RegistrationError };
  }

  test.each([
    [
      'wrong password',
      'rejected-credentials',
      new FakeRegistrar(new VirtualClock(), 'alice', 'other'),
      jssip,
    ],
    [
      'no supported algorithm',
      'no-supported-algorithm',
      new FakeRegistrar(new VirtualClock(), 'alice', 'secret', {}, { algorithms: ['SHA-256'] }),
      jssip,
    ],
    [
      'realm mismatch',
      'realm-mismatch',
      new FakeRegistrar(new VirtualClock()),
      { ...jssip, password: undefined, realm: 'elsewhere', ha1 },
    ],
  ])('%s: AUTH_FAILED carries authError %s', async (_name, code, registrar, options) => {
    const { failed, error } = await failure(fromJsSIP(options), registrar);
    expect(failed?.authError?.code).toBe(code);
    expect(error).toBeInstanceOf(RegistrationError);
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.authError?.code).toBe(code);
    expect(error.cause).toBe(error.authError);
    expect(error.message).toContain(error.authError!.message);
    expect(`${error.message} ${inspect(error)}`).not.toMatch(/secret|"other"|Pw/);
  });
});

describe('the sipkit profile answers -sess challenges (issue 5)', () => {
  test.each(['SHA-512-256-sess', 'SHA-256-sess', 'MD5-sess'] as DigestAlgorithm[])(
    '%s',
    async (algorithm) => {
      const clock = new VirtualClock();
      const registrar = new FakeRegistrar(clock, 'alice', 'secret', {}, { algorithms: [algorithm] });
      const { ua } = await start(fromJsSIP(jssip, { profile: 'sipkit' }), registrar);
      expect(answer(registrar, 1)?.param('algorithm')).toBe(algorithm);
      expect(ua.registerer?.state).toBe('registered');
      await stopWhileRunning(ua, clock);
    },
  );
});

describe('qop the profile allows (issue 6)', () => {
  const authIntOnly = (clock: VirtualClock) =>
    new FakeRegistrar(clock, 'alice', 'secret', {}, { qop: ['auth-int'] });

  test('Asterisk answers qop=auth only: an auth-int-only challenge fails', async () => {
    const clock = new VirtualClock();
    const registrar = authIntOnly(clock);
    const config = pjsip(['[auth]', 'type=auth', 'username=alice', 'password=secret']);
    const { ua, changes } = await start(config, registrar);
    expect(registrar.received).toHaveLength(1);
    expect(changes.at(-1)?.authError?.code).toBe('no-supported-algorithm');
    await stopWhileRunning(ua, clock);
  });

  test('JsSIP answers it with auth-int', async () => {
    const clock = new VirtualClock();
    const registrar = authIntOnly(clock);
    const { ua } = await start(fromJsSIP(jssip), registrar);
    expect(answer(registrar, 1)?.param('qop')).toBe('auth-int');
    expect(ua.registerer?.state).toBe('registered');
    await stopWhileRunning(ua, clock);
  });
});

describe('Bearer (issue 7)', () => {
  /** A sipkit-profile user agent config without digest credentials, with `bearer` if given. */
  const bearerConfig = (bearer?: UserAgentConfig['credentials']['bearer']): UserAgentConfig => {
    const base = fromJsSIP({ ...jssip, password: undefined }, { profile: 'sipkit' });
    return { ...base, credentials: { digest: [], bearer } };
  };
  /** A registrar taking only `Bearer <token>`; a challenge says invalid_token to a wrong one. */
  function bearerRegistrar(clock: VirtualClock, token: string): FakeRegistrar {
    const registrar = new FakeRegistrar(clock);
    registrar.hostile = (req) => {
      const sent = req.headers.getAll('Authorization');
      if (sent.length === 1 && sent[0] === `Bearer ${token}`) return [ok(req)];
      const res = createResponse(req, 401, { toTag: 'reg' });
      const error = sent.length > 0 ? ', error="invalid_token"' : '';
      res.headers.append('WWW-Authenticate', `Bearer realm="example.test", scope="sip"${error}`);
      return [res];
    };
    return registrar;
  }

  test('a token provider answers the Bearer challenge, and a new token replaces a refused preemptive one', async () => {
    const clock = new VirtualClock();
    const registrar = bearerRegistrar(clock, 'fresh');
    const asked: string[] = [];
    const provider = BearerCredentials.fromProvider((context) => {
      asked.push(`${context.reason} ${context.scope}`);
      return 'fresh';
    });
    const { ua } = await start(
      bearerConfig({ authorization: 'Bearer expired', preemptive: true }),
      registrar,
      {
        credentials: [provider],
      },
    );
    expect(ua.registerer?.state).toBe('registered');
    // One Authorization line each time: the answer replaces the refused preemptive one.
    expect(registrar.received.map((r) => r.headers.getAll('Authorization'))).toEqual([
      ['Bearer expired'],
      ['Bearer fresh'],
    ]);
    expect(asked).toEqual(['rejected sip']);
    await stopWhileRunning(ua, clock);
  });

  test('a static token answers a first challenge', async () => {
    const clock = new VirtualClock();
    const registrar = bearerRegistrar(clock, 'abc');
    const { ua } = await start(bearerConfig(), registrar, {
      credentials: [BearerCredentials.fromToken('abc')],
    });
    expect(registrar.received.map((r) => r.headers.getAll('Authorization'))).toEqual([[], ['Bearer abc']]);
    expect(ua.registerer?.state).toBe('registered');
    await stopWhileRunning(ua, clock);
  });

  test('a provider that fails ends the attempt with token-unavailable', async () => {
    const clock = new VirtualClock();
    const registrar = bearerRegistrar(clock, 'x');
    const failing = BearerCredentials.fromProvider(async () => {
      throw new Error('authorization server down');
    });
    const { ua, changes } = await start(bearerConfig(), registrar, { credentials: [failing] });
    expect(changes.at(-1)?.authError?.code).toBe('token-unavailable');
    expect(registrar.received).toHaveLength(1);
    await stopWhileRunning(ua, clock);
  });
});

describe('secrets stay out of ua.config output; none in the AOR (issues 8, 9)', () => {
  test('JSON and util.inspect of ua.config show no password, including with an identity', () => {
    const ua = UserAgent.fromJsSIP({ ...jssip, password: 'S3cretPW' });
    const withIdentity = new UserAgent(fromJsSIP(jssip), {
      identity: { aor: 'sip:bob@example.test', password: 'B0bPW' },
    });
    const texts = [ua, withIdentity].flatMap((u) => [
      JSON.stringify(u.config),
      inspect(u.config, { depth: 8 }),
      inspect(u.config, { depth: 8, showHidden: true }),
    ]);
    for (const text of texts) {
      expect(text).not.toMatch(/S3cretPW|B0bPW/);
      expect(text).toContain('<redacted>');
    }
    // A config built by hand gets the same forms.
    const handMade = { ...fromJsSIP(jssip) };
    handMade.credentials = { digest: [{ username: 'alice', password: 'H4ndPW', ha1: {} }] };
    expect(JSON.stringify(new UserAgent(handMade).config)).not.toContain('H4ndPW');
    expect(withIdentity.config.credentials.digest[0]!.password).toBe('B0bPW');
  });

  test('an AOR with a password is refused, without quoting it', () => {
    expect(() => UserAgent.fromJsSIP({ ...jssip, uri: 'sip:alice:Pw0rd@example.test' })).toThrow(/password/);
    let error: unknown;
    try {
      new UserAgent(fromJsSIP(jssip), { identity: { aor: 'sip:bob:Pw0rd@example.test', password: 'x' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserAgentError);
    expect((error as Error).message).not.toContain('Pw0rd');
  });
});

describe('a second 401 to the authenticated REGISTER, real DigestClient (issue 10)', () => {
  const profiles: [string, () => UserAgentConfig, number][] = [
    ['sipkit', () => fromJsSIP(jssip, { profile: 'sipkit' }), 1_500],
    ['jssip', () => fromJsSIP(jssip), 1_500],
    [
      'sipjs',
      () =>
        fromSipJs({
          uri: jssip.uri,
          authorizationPassword: 'secret',
          transportOptions: { server: jssip.sockets[0] },
        }),
      1_500,
    ],
    // Asterisk's first REGISTER waits 1..10 s (max_random_initial_delay=10).
    [
      'asterisk',
      () =>
        fromPjsip(
          '[auth]\ntype=auth\nusername=alice\npassword=secret\n[reg]\ntype=registration\noutbound_auth=auth\n' +
            'server_uri=sip:127.0.0.1;transport=ws\nclient_uri=sip:alice@example.test\n',
          { registration: 'reg' },
        ),
      12_000,
    ],
  ];

  test.each(profiles)(
    '%s: the same nonce again, not stale: stops with rejected-credentials',
    async (_p, config, ms) => {
      const clock = new VirtualClock();
      const registrar = new FakeRegistrar(clock);
      registrar.hostile = (req) => [challenge(req, 'SAME')];
      const { ua, changes, outcome } = await start(config(), registrar, ms);
      expect(registrar.received).toHaveLength(2);
      expect(answer(registrar, 1)?.param('nonce')).toBe('SAME');
      const failed = changes.find((c) => c.reason === 'failed');
      expect(failed?.authError?.code).toBe('rejected-credentials');
      const error = await outcome;
      if (error) expect((error as RegistrationError).authError?.code).toBe('rejected-credentials');
      await stopWhileRunning(ua, clock);
    },
  );

  test.each(profiles)('%s: stale=true with a new nonce', async (profile, config, ms) => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    registrar.hostile = (req) => {
      const sent = req.authorization[0];
      if (req.headers.get('Expires') === '0' || req.contact.some((c) => c !== '*' && c.expires === 0))
        return [ok(req)];
      if (!sent) return [challenge(req, 'n1')];
      if (sent.param('nonce') === 'n1') return [challenge(req, 'n2', ', stale=true')];
      return [ok(req)];
    };
    const { ua, changes } = await start(config(), registrar, ms);
    if (profile === 'asterisk') {
      // Exactly one authenticated REGISTER: a stale challenge to it is a rejection.
      expect(registrar.received).toHaveLength(2);
      expect(changes.find((c) => c.reason === 'failed')?.authError?.code).toBe('rejected-credentials');
    } else {
      expect(registrar.received).toHaveLength(3);
      expect(answer(registrar, 2)?.param('nonce')).toBe('n2');
      expect(ua.registerer?.state).toBe('registered');
    }
    await stopWhileRunning(ua, clock);
  });
});
