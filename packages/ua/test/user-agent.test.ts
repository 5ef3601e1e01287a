import { fromJsSIP, fromPjsip, fromSipJs } from '@sipkit/config';
import type { StateChange } from '@sipkit/registerer';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, test } from 'vitest';
import { UserAgent, UserAgentError } from '../src/index.js';
import { FakeRegistrar } from './fake-registrar.js';
import { run, seeded, stopWhileRunning } from './virtual-time.js';

function jssipUa(clock: VirtualClock, registrar: FakeRegistrar, trace?: (text: string) => void) {
  const config = fromJsSIP({
    uri: 'sip:alice@example.test',
    password: 'secret',
    sockets: ['wss://edge.example.test'],
  });
  const changes: StateChange[] = [];
  const ua = new UserAgent(config, {
    clock,
    random: seeded(),
    transportFactory: registrar.factory,
    trace: trace && ((_d, text) => trace(text)),
  });
  ua.on('registration', (c) => changes.push(c));
  return { ua, changes };
}

describe('UserAgent', () => {
  test('registers on start, answering the digest challenge, and traces without credentials', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const traced: string[] = [];
    const { ua, changes } = jssipUa(clock, registrar, (t) => traced.push(t));
    await ua.start();
    await run(clock, 100);
    expect(changes.map((c) => c.state)).toEqual(['registering', 'registered']);
    expect(registrar.received.map((r) => [r.method, r.headers.has('authorization')])).toEqual([
      ['REGISTER', false],
      ['REGISTER', true],
    ]);
    expect(registrar.bindings).toBe(1);
    const secret = registrar.received[1]!.authorization[0]!.param('response')!;
    const authLine = traced.find((t) => /^Authorization:/im.test(t));
    expect(authLine).toMatch(/^Authorization: <redacted>/im);
    expect(traced.join('\n')).not.toContain(secret);
    expect(traced.join('\n')).not.toContain('secret');
    await stopWhileRunning(ua, clock);
  });

  test('registrationExpiring: with a listener the refresh is left to the app, as in JsSIP', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const { ua } = jssipUa(clock, registrar);
    let expiring = 0;
    const off = ua.on('registrationExpiring', () => expiring++);
    await ua.start();
    await run(clock, 100);
    const sent = registrar.received.length;
    // JsSIP refreshes a 600 s binding within [300, 568) s: step until the event (bounded).
    for (let s = 0; s < 600 && expiring === 0; s++) await run(clock, 1000, 1000);
    expect(expiring).toBe(1);
    expect(registrar.received.length).toBe(sent);
    expect(ua.registerer?.state).toBe('registered');
    const refreshed = ua.register();
    await run(clock, 100);
    await refreshed;
    expect(registrar.received.length).toBeGreaterThan(sent);
    expect(ua.registerer?.state).toBe('registered');
    // Without a listener the user agent refreshes by itself again.
    off();
    const before = registrar.received.length;
    for (let s = 0; s < 600 && registrar.received.length === before; s++) await run(clock, 1000, 1000);
    expect(registrar.received.length).toBeGreaterThan(before);
    expect(expiring).toBe(1);
    await stopWhileRunning(ua, clock);
  });

  test('answers OPTIONS with 200 and other methods with 405, both with Allow', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const { ua } = jssipUa(clock, registrar);
    await ua.start();
    await run(clock, 100);
    for (const method of ['OPTIONS', 'MESSAGE']) {
      registrar.inject(
        `${method} sip:alice@fake.invalid SIP/2.0\r\nVia: SIP/2.0/WS proxy.test;branch=z9hG4bK${method}\r\n` +
          `From: <sip:bob@example.test>;tag=b\r\nTo: <sip:alice@example.test>\r\nCall-ID: ${method}-1\r\n` +
          `CSeq: 1 ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
      );
      await run(clock, 20);
    }
    const answers = registrar.wire.filter((w) => w.startsWith('SIP/2.0'));
    expect(answers.map((a) => a.split('\r\n')[0])).toEqual([
      'SIP/2.0 200 OK',
      'SIP/2.0 405 Method Not Allowed',
    ]);
    expect(answers.every((a) => /\r\nAllow: OPTIONS\r\n/.test(a))).toBe(true);
    expect(answers[0]).toMatch(/\r\nAccept: application\/sdp\r\n/);
    await stopWhileRunning(ua, clock);
  });

  test('answers INVITE with 405 and Allow statelessly: a retransmission gets the same answer, the ACK none', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const { ua } = jssipUa(clock, registrar);
    await ua.start();
    await run(clock, 100);
    const invite =
      'INVITE sip:alice@fake.invalid SIP/2.0\r\nVia: SIP/2.0/WS proxy.test;branch=z9hG4bKinv1\r\n' +
      'From: <sip:bob@example.test>;tag=b\r\nTo: <sip:alice@example.test>\r\nCall-ID: inv-1\r\n' +
      'CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
    registrar.inject(invite);
    await run(clock, 20);
    registrar.inject(invite);
    await run(clock, 20);
    registrar.inject(
      invite
        .replace('INVITE sip:', 'ACK sip:')
        .replace('CSeq: 1 INVITE', 'CSeq: 1 ACK')
        .replace('To: <sip:alice@example.test>', 'To: <sip:alice@example.test>;tag=x'),
    );
    await run(clock, 40_000, 100);
    const answers = registrar.wire.filter((w) => w.startsWith('SIP/2.0'));
    expect(answers.map((a) => a.split('\r\n')[0])).toEqual([
      'SIP/2.0 405 Method Not Allowed',
      'SIP/2.0 405 Method Not Allowed',
    ]);
    expect(answers[0]).toMatch(/\r\nAllow: OPTIONS\r\n/);
    const toTag = (a: string) => /\r\nTo: [^\r]*;tag=([^;\r]+)/.exec(a)?.[1];
    expect(toTag(answers[0]!)).toBeDefined();
    expect(toTag(answers[1]!)).toBe(toTag(answers[0]!));
    await stopWhileRunning(ua, clock);
  });

  test('stop() unregisters and leaves no timer behind', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const { ua } = jssipUa(clock, registrar);
    await ua.start();
    await run(clock, 100);
    const stopped = ua.stop();
    await run(clock, 100);
    await stopped;
    const last = registrar.received.at(-1)!;
    expect(last.method).toBe('REGISTER');
    expect(last.expires).toBe(0);
    expect(registrar.bindings).toBe(0);
    expect(ua.state).toBe('stopped');
    expect(clock.pending).toBe(0);
  });

  test('re-registers after the transport reconnects (JsSIP profile)', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const { ua, changes } = jssipUa(clock, registrar);
    await ua.start();
    await run(clock, 100);
    const before = registrar.received.length;
    registrar.transport!.drop();
    await run(clock, 35_000, 100); // JsSIP back-off is at most connection_recovery_max_interval (30 s)
    expect(registrar.received.length).toBeGreaterThan(before);
    expect(changes.at(-1)?.state).toBe('registered');
    await stopWhileRunning(ua, clock);
  });

  test('a REGISTER whose connection drops before its answer is sent again on the next connection, not after Timer F', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const { ua, changes } = jssipUa(clock, registrar);
    registrar.hostile = () => []; // the first REGISTER goes unanswered
    await ua.start();
    await run(clock, 100);
    registrar.hostile = undefined;
    registrar.transport!.drop();
    // JsSIP reconnects after its first back-off (2 s with this seed): 32 s (Timer F) before.
    await run(clock, 5_000, 100);
    expect(changes.map((c) => c.state)).toEqual(['registering', 'rejected', 'registering', 'registered']);
    expect(registrar.transportsMade).toBe(2);
    await stopWhileRunning(ua, clock);
  });

  test('an Asterisk config retries a 503 after retry_interval', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const conf = [
      '[auth]',
      'type=auth',
      'username=alice',
      'password=secret',
      '[reg]',
      'type=registration',
      'outbound_auth=auth',
      'server_uri=sip:127.0.0.1;transport=ws',
      'client_uri=sip:alice@example.test',
      'retry_interval=20',
      'max_random_initial_delay=0',
    ].join('\n');
    const ua = new UserAgent(fromPjsip(conf, { registration: 'reg' }), {
      clock,
      random: seeded(),
      transportFactory: registrar.factory,
    });
    registrar.script.push(503);
    await ua.start();
    await run(clock, 1_500, 50); // first REGISTER after 1 s
    expect(registrar.received).toHaveLength(1);
    expect(ua.registerer?.state).toBe('retry-wait');
    await run(clock, 20_500, 100);
    expect(ua.registerer?.state).toBe('registered');
    expect(registrar.received.length).toBe(3); // retry, then its authenticated resend
    await stopWhileRunning(ua, clock);
  });

  test('SIP.js RegistererOptions.params set From and To of every REGISTER', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const config = fromSipJs(
      {
        uri: 'sip:alice@example.test',
        authorizationUsername: 'alice',
        authorizationPassword: 'secret',
        transportOptions: { server: 'wss://edge.example.test' },
      },
      { params: { fromDisplayName: 'Front Desk', fromTag: 'ftag1', toDisplayName: 'Alice at Desk' } },
    );
    const ua = new UserAgent(config, { clock, random: seeded(), transportFactory: registrar.factory });
    await ua.start();
    const registered = ua.register();
    await run(clock, 500);
    await registered;
    expect(registrar.received.length).toBeGreaterThanOrEqual(2);
    for (const req of registrar.received) {
      expect(req.from?.displayName).toBe('Front Desk');
      expect(req.from?.params.get('tag')).toBe('ftag1');
      expect(req.to?.displayName).toBe('Alice at Desk');
      expect(req.to?.uri.toString()).toBe('sip:alice@example.test');
    }
    await stopWhileRunning(ua, clock);
  });

  test('typed errors for misuse', async () => {
    const clock = new VirtualClock();
    const config = fromJsSIP({
      uri: 'sip:alice@example.test',
      password: 'x',
      sockets: ['wss://edge.example.test'],
    });
    const ua = new UserAgent(config, { clock });
    await expect(ua.register()).rejects.toBeInstanceOf(UserAgentError);
    expect(() => new UserAgent({ ...config, servers: [] })).toThrow(/no server/);
    const udp = new UserAgent(
      { ...config, servers: [{ ...config.servers[0]!, transport: 'udp', url: undefined }] },
      { clock },
    );
    await expect(udp.start()).rejects.toMatchObject({ code: 'UNSUPPORTED_TRANSPORT' });
    expect(udp.state).toBe('stopped');
  });
});

describe('SIP.js instanceIdAlwaysAdded', () => {
  test("the REGISTER Contact carries the user agent's instance after the >", async () => {
    const id = '0b3f5e2a-7c1d-4e8f-9a6b-5c4d3e2f1a0b';
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const ua = UserAgent.fromSipJs(
      {
        uri: 'sip:alice@example.test',
        authorizationPassword: 'secret',
        transportOptions: { server: 'wss://edge.example.test' },
        instanceId: id,
        instanceIdAlwaysAdded: true,
      },
      undefined,
      { clock, random: seeded(), transportFactory: registrar.factory },
    );
    await ua.start();
    const registered = ua.register();
    await run(clock, 100);
    await registered;
    expect(registrar.received[0]!.headers.get('contact')).toMatch(
      new RegExp(`^<[^>]+>;\\+sip\\.instance="<urn:uuid:${id}>";expires=\\d+$`),
    );
    await stopWhileRunning(ua, clock);
  });
});

describe('UserAgent logging', () => {
  test('names a server by its URL in connection log lines', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const config = fromJsSIP({
      uri: 'sip:alice@example.test',
      password: 'secret',
      sockets: ['wss://edge.example.test/ws'],
    });
    const ua = new UserAgent(config, {
      clock,
      random: seeded(),
      transportFactory: registrar.factory,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    await ua.start();
    await run(clock, 100);
    expect(lines).toContain('connecting to wss://edge.example.test/ws');
    expect(lines.join('\n')).not.toContain('object Object');
    await stopWhileRunning(ua, clock);
  });
});
