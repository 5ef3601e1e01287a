// Lifecycle options of the config, through the UserAgent on the virtual clock: how long stop()
// gives the un-REGISTER, traceSip, autoStop, the SIP.js anonymous AOR, the SIP.js connection
// timeout and reconnection count, and Asterisk's re-REGISTER after a dropped connection.
import {
  fromJsSIP,
  fromPjsip,
  fromSipJs,
  fromSipJsLegacy,
  GRACEFUL_SHUTDOWN_SECONDS,
  type UserAgentConfig,
} from '@sipkit/config';
import { parseUri, type SipUri } from '@sipkit/parser';
import { type Logger, VirtualClock } from '@sipkit/transport';
import { afterEach, describe, expect, test } from 'vitest';
import { UserAgent, webSocketTransportFactory } from '../src/index.js';
import { FakeRegistrar } from './fake-registrar.js';
import { flush, run } from './virtual-time.js';

const jssip = (): UserAgentConfig =>
  fromJsSIP({ uri: 'sip:alice@example.test', password: 'secret', sockets: ['wss://edge.example.test'] });

function withShutdown(config: UserAgentConfig, seconds: number): UserAgentConfig {
  return { ...config, lifecycle: { ...config.lifecycle, gracefulShutdown: seconds } };
}

/** Starts a user agent against `registrar`, registered, then makes the registrar silent. */
async function registeredThenSilent(config: UserAgentConfig) {
  const clock = new VirtualClock();
  const registrar = new FakeRegistrar(clock);
  const ua = new UserAgent(config, { clock, transportFactory: registrar.factory });
  await ua.start();
  if (!config.registration.enabled) void ua.register().catch(() => undefined);
  await run(clock, 100);
  expect(ua.registerer?.state).toBe('registered');
  registrar.hostile = () => [];
  return { clock, registrar, ua };
}

/** Stops `ua` while time moves; resolves with the virtual ms stop() took. */
async function timedStop(ua: UserAgent, clock: VirtualClock): Promise<number> {
  const t0 = clock.now();
  let done = false;
  const stopping = ua.stop().then(() => {
    done = true;
  });
  for (let i = 0; i < 4000 && !done; i++) {
    clock.advance(10);
    await flush();
  }
  await stopping;
  return clock.now() - t0;
}

describe('stop(): lifecycle.gracefulShutdown bounds the un-REGISTER', () => {
  test(`a silent registrar: the un-REGISTER goes out, stop() closes after ${GRACEFUL_SHUTDOWN_SECONDS} s, not Timer F`, async () => {
    const { clock, registrar, ua } = await registeredThenSilent(jssip());
    const before = registrar.received.length;
    const took = await timedStop(ua, clock);
    const unregister = registrar.received[before]!;
    expect(unregister.expires).toBe(0);
    expect(took).toBeGreaterThanOrEqual(GRACEFUL_SHUTDOWN_SECONDS * 1000);
    expect(took).toBeLessThanOrEqual(GRACEFUL_SHUTDOWN_SECONDS * 1000 + 20);
    expect(ua.state).toBe('stopped');
    expect(ua.registerer?.state).toBe('stopped');
    expect(clock.pending).toBe(0);
  });

  test('a REGISTER in flight to a silent registrar: stop() does not wait for its Timer F', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    registrar.hostile = () => [];
    const ua = new UserAgent(jssip(), { clock, transportFactory: registrar.factory });
    await ua.start();
    const register = ua.register().catch((e: { code?: string }) => e.code);
    await run(clock, 200);
    const took = await timedStop(ua, clock);
    expect(took).toBeLessThanOrEqual(GRACEFUL_SHUTDOWN_SECONDS * 1000 + 20);
    expect(await register).toBe('STOPPED');
    expect(clock.pending).toBe(0);
  });

  test('a longer value waits longer', async () => {
    const { clock, ua } = await registeredThenSilent(withShutdown(jssip(), 10));
    const took = await timedStop(ua, clock);
    expect(took).toBeGreaterThanOrEqual(10_000);
    expect(took).toBeLessThanOrEqual(10_020);
  });

  test('SIP.js gracefulShutdown: false closes at once, without un-REGISTER', async () => {
    const config = fromSipJs({
      uri: 'sip:alice@example.test',
      authorizationPassword: 'secret',
      transportOptions: { server: 'wss://edge.example.test' },
      gracefulShutdown: false,
    });
    expect(config.lifecycle.gracefulShutdown).toBe(0);
    const { clock, registrar, ua } = await registeredThenSilent(config);
    const before = registrar.received.length;
    const took = await timedStop(ua, clock);
    expect(registrar.received.length).toBe(before);
    expect(took).toBeLessThanOrEqual(10);
    expect(clock.pending).toBe(0);
  });

  test('a registrar that answers: stop() resolves as soon as the un-REGISTER is answered', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const ua = new UserAgent(jssip(), { clock, transportFactory: registrar.factory });
    await ua.start();
    await run(clock, 100);
    const took = await timedStop(ua, clock);
    expect(registrar.bindings).toBe(0);
    expect(took).toBeLessThan(100);
  });
});

describe('traceSip, autoStop, anonymous', () => {
  test('traceSip: every message goes to the logger at info, credentials redacted', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const info: string[] = [];
    const logger: Logger = { debug() {}, info: (m) => info.push(m), warn() {}, error() {} };
    const on = { ...jssip(), traceSip: true };
    const ua = new UserAgent(on, { clock, transportFactory: registrar.factory, logger });
    await ua.start();
    await run(clock, 100);
    const traced = info.filter((m) => /^SIP (in|out) /.test(m));
    expect(traced.map((m) => m.split('\n')[1]!.trim())).toEqual([
      'REGISTER sip:example.test SIP/2.0',
      'SIP/2.0 401 Unauthorized',
      'REGISTER sip:example.test SIP/2.0',
      'SIP/2.0 200 OK',
    ]);
    expect(traced[2]).toMatch(/^Authorization: <redacted>/m);
    const response = registrar.received[1]!.authorization[0]!.param('response')!;
    expect(info.join('\n')).not.toContain(response);
    ua.registerer?.dispose();

    // traceSip false (JsSIP's default): nothing traced.
    const quiet: string[] = [];
    const ua2 = new UserAgent(jssip(), {
      clock,
      transportFactory: new FakeRegistrar(clock).factory,
      logger: { ...logger, info: (m) => quiet.push(m) },
    });
    await ua2.start();
    await run(clock, 100);
    expect(quiet.filter((m) => /^SIP (in|out) /.test(m))).toEqual([]);
    ua2.registerer?.dispose();
  });

  const g = globalThis as { window?: EventTarget };
  afterEach(() => {
    delete g.window;
  });

  test('autoStop: in a browser, pagehide stops the user agent (which un-REGISTERs)', async () => {
    g.window = new EventTarget();
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const config = fromSipJs({
      uri: 'sip:alice@example.test',
      authorizationPassword: 'secret',
      transportOptions: { server: 'wss://edge.example.test' },
    });
    expect(config.lifecycle.autoStop).toBe(true);
    const ua = new UserAgent(config, { clock, transportFactory: registrar.factory });
    await ua.start();
    void ua.register().catch(() => undefined);
    await run(clock, 100);
    expect(registrar.bindings).toBe(1);
    g.window.dispatchEvent(new Event('pagehide'));
    await run(clock, 100);
    expect(ua.state).toBe('stopped');
    expect(registrar.bindings).toBe(0);

    // autoStop false (JsSIP): pagehide does nothing.
    const other = new UserAgent(jssip(), { clock, transportFactory: new FakeRegistrar(clock).factory });
    await other.start();
    g.window.dispatchEvent(new Event('pagehide'));
    await run(clock, 100);
    expect(other.state).toBe('started');
    const stopping = other.stop();
    await run(clock, 100);
    await stopping;
  });

  test('SIP.js without uri registers as anonymous.<6 random>@anonymous.invalid', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    registrar.hostile = () => [];
    const config = fromSipJs({ transportOptions: { server: 'wss://edge.example.test' } });
    const ua = new UserAgent(config, { clock, transportFactory: registrar.factory });
    await ua.start();
    void ua.register().catch(() => undefined);
    await run(clock, 50);
    const from = registrar.received[0]!.from!.uri;
    expect(String(from)).toMatch(/^sip:anonymous\.[0-9a-z]{6}@anonymous\.invalid$/i);
    ua.registerer?.dispose();
  });
});

/**
 * A browser WebSocket stand-in: it opens at once (`opens`) or never, records what is sent, and
 * never answers a ping.
 */
function fakeWebSocket(options: { opens: boolean; sent?: string[]; made?: () => void; onSend?: () => void }) {
  return class {
    readyState = 0;
    protocol = options.opens ? 'sip' : '';
    binaryType = 'blob';
    onopen: ((e: unknown) => void) | null = null;
    onclose: ((e: unknown) => void) | null = null;
    onerror = null;
    onmessage = null;
    constructor() {
      options.made?.();
      if (!options.opens) return;
      queueMicrotask(() => {
        this.readyState = 1;
        this.onopen?.({});
      });
    }
    send(data: string) {
      options.sent?.push(data);
      options.onSend?.();
    }
    close() {
      this.readyState = 3;
      queueMicrotask(() => this.onclose?.({ code: 1000, reason: '', wasClean: true }));
    }
  };
}

describe('SIP.js connection settings', () => {
  const g = globalThis as { WebSocket?: unknown };
  const saved = g.WebSocket;
  afterEach(() => {
    g.WebSocket = saved;
  });

  test('connectionTimeout (default 5 s) bounds the WebSocket opening; reconnectionAttempts 0 gives up', async () => {
    let made = 0;
    g.WebSocket = fakeWebSocket({ opens: false, made: () => made++ });
    const clock = new VirtualClock();
    const config = fromSipJs({ uri: 'sip:alice@example.test', transportOptions: { server: 'wss://e.test' } });
    expect(config.connection.connectionTimeout).toBe(5);
    const ua = new UserAgent(config, { clock });
    let failedAt: number | undefined;
    const started = ua.start().catch((e: { code?: string }) => {
      failedAt = clock.now();
      return e.code;
    });
    await run(clock, 12_000, 100);
    expect(await started).toBe('NO_SERVER');
    expect(failedAt).toBe(5000);
    expect(made).toBe(1);
  });

  test.each([
    [
      'SIP.js 0.7',
      fromSipJsLegacy({ uri: 'alice@example.test', wsServers: 'wss://e.test', keepAliveInterval: 2 }),
    ],
    [
      'SIP.js 0.21',
      fromSipJs({
        uri: 'sip:alice@example.test',
        transportOptions: { server: 'wss://e.test', keepAliveInterval: 2 },
      }),
    ],
  ])('%s pings without waiting for pongs: a silent server is never a flow failure', async (_, config) => {
    const sent: string[] = [];
    g.WebSocket = fakeWebSocket({ opens: true, sent });
    expect(config.connection.keepAlivePongTimeout).toBe(0);
    const clock = new VirtualClock();
    const t = webSocketTransportFactory(config.servers[0]!, { clock, ...config.connection });
    const failures: number[] = [];
    t.on('flowFailed', () => failures.push(clock.now()));
    await t.connect();
    for (let i = 0; i < 60_000; i += 100) clock.advance(100);
    // One ping per 1.6-2 s for a minute, none answered, and the flow still up.
    expect(sent.length).toBeGreaterThanOrEqual(30);
    expect(sent.every((f) => f === '\r\n\r\n')).toBe(true);
    expect(failures).toEqual([]);
    expect(t.state).toBe('connected');
    await t.close();
  });

  test('keepAlivePongTimeout above 0 is the wait for the pong, then the flow fails', async () => {
    const sent: string[] = [];
    g.WebSocket = fakeWebSocket({ opens: true, sent });
    const clock = new VirtualClock();
    const t = webSocketTransportFactory(
      {
        url: 'wss://e.test',
        uri: parseUri('sip:e.test;transport=ws') as SipUri,
        transport: 'wss',
        weight: 0,
      },
      { clock, keepAliveInterval: 2, keepAlivePongTimeout: 3 },
    );
    const failures: number[] = [];
    t.on('flowFailed', () => failures.push(clock.now()));
    await t.connect();
    // The ping goes out within 80-100 % of 2 s.
    while (sent.length === 0 && clock.now() < 2000) clock.advance(1);
    expect(sent).toEqual(['\r\n\r\n']);
    const pingAt = clock.now();
    clock.advance(2999);
    expect(failures).toEqual([]);
    clock.advance(1);
    expect(failures).toEqual([pingAt + 3000]);
    await t.close();
  });

  test('reconnectionAttempts 0 (the default): a dropped connection stays down', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const config = fromSipJs({ uri: 'sip:alice@example.test', transportOptions: { server: 'wss://e.test' } });
    const ua = new UserAgent(config, { clock, transportFactory: registrar.factory });
    await ua.start();
    const states: string[] = [];
    ua.on('transport', (s) => states.push(s));
    registrar.transport!.drop();
    await run(clock, 60_000, 1000);
    expect(registrar.transportsMade).toBe(1);
    expect(states).toEqual(['disconnected']);
    await ua.stop();
  });

  test('reconnectionAttempts 2: the first reconnect at once, the next after reconnectionDelay', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const config = fromSipJs({
      uri: 'sip:alice@example.test',
      transportOptions: { server: 'wss://e.test' },
      reconnectionAttempts: 2,
    });
    const ua = new UserAgent(config, { clock, transportFactory: registrar.factory });
    await ua.start();
    registrar.transport!.drop();
    await flush();
    expect(registrar.transportsMade).toBe(2);
    expect(ua.registerer).toBeDefined();
    await ua.stop();
  });
});

describe('Asterisk connection settings', () => {
  const g = globalThis as { WebSocket?: unknown };
  const saved = g.WebSocket;
  afterEach(() => {
    g.WebSocket = saved;
  });

  test('Asterisk keeps alive at exactly keep_alive_interval: no jitter, no pong check', async () => {
    const sent: string[] = [];
    const at: number[] = [];
    const clock = new VirtualClock();
    g.WebSocket = fakeWebSocket({ opens: true, sent, onSend: () => at.push(clock.now()) });
    const config = fromPjsip(
      [
        '[global]',
        'type=global',
        'keep_alive_interval=20',
        '[t-wss]',
        'type=transport',
        'protocol=wss',
        '[reg]',
        'type=registration',
        'transport=t-wss',
        'server_uri=sip:e.test',
        'client_uri=sip:alice@e.test',
      ].join('\n'),
    );
    expect(config.connection.keepAliveJitter).toBe(false);
    // A random source of all zeros would make every jittered wait 80 % (16 s).
    const t = webSocketTransportFactory(config.servers[0]!, {
      clock,
      random: (n) => new Uint8Array(n),
      ...config.connection,
    });
    await t.connect();
    clock.advance(100_000);
    expect(at).toEqual([20_000, 40_000, 60_000, 80_000, 100_000]);
    expect(sent.every((f) => f === '\r\n\r\n')).toBe(true);
    expect(t.state).toBe('connected');
    await t.close();
  });
});

describe('Asterisk: a reliable transport drop', () => {
  test('the re-REGISTER waits for the reconnect, then goes out at once (no 503, no retry_interval)', async () => {
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
      'max_random_initial_delay=0',
    ].join('\n');
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const ua = new UserAgent(fromPjsip(conf), { clock, transportFactory: registrar.factory });
    const log: string[] = [];
    ua.on('registration', (c) => log.push(`${c.state}/${c.reason}/${c.code ?? ''}`));
    await ua.start();
    await run(clock, 2000, 100);
    expect(ua.registerer?.state).toBe('registered');
    const before = registrar.received.length;
    registrar.transport!.drop();
    await run(clock, 70_000, 500);
    // Reconnected by the back-off, then REGISTER (challenged) at once: refreshed, nothing failed.
    expect(registrar.transportsMade).toBe(2);
    expect(registrar.received.length - before).toBe(2);
    expect(log.at(-1)).toBe('registered/refreshed/200');
    expect(log.some((l) => l.includes('failed'))).toBe(false);
    ua.registerer?.dispose();
  });
});
