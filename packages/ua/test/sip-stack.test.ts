import { fromJsSIP, type UserAgentConfig } from '@sipkit/config';
import { parseMessage, type SipRequest } from '@sipkit/parser';
import type { StateChange } from '@sipkit/registerer';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, test, vi } from 'vitest';
import { SipStack, type SipStackOptions, UserAgent, UserAgentError, withIdentity } from '../src/index.js';
import { FakeRegistrar } from './fake-registrar.js';

const flush = () => new Promise<void>((r) => setImmediate(r));

/** Advances virtual time in small steps, letting promises settle between them. */
async function run(clock: VirtualClock, ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await flush();
  }
}

/** Resolves `promise` while virtual time moves (an un-REGISTER needs its answer). */
async function during<T>(clock: VirtualClock, promise: Promise<T>, ms = 200): Promise<T> {
  await run(clock, ms);
  return promise;
}

const seeded = () => {
  let s = 11;
  return (n: number) => Uint8Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) & 0xff));
};

const USERS = { alice: 'secret', bob: 'bobpw', carol: 'carolpw' };

function config(user: keyof typeof USERS, userAgent = `UA-${user}`): UserAgentConfig {
  return fromJsSIP({
    uri: `sip:${user}@example.test`,
    password: USERS[user],
    sockets: ['wss://edge.example.test'],
    user_agent: userAgent,
  });
}

/** The sipkit profile (re-registers on a failed flow) on a JsSIP-read config. */
function sipkitConfig(user: keyof typeof USERS): UserAgentConfig {
  const c = config(user);
  return { ...c, profile: 'sipkit', profileParams: { profile: 'sipkit', expires: 600 } };
}

async function setup(
  users: (keyof typeof USERS)[] = ['alice', 'bob', 'carol'],
  make = config,
  options: Partial<SipStackOptions> = {},
) {
  const clock = new VirtualClock();
  const registrar = new FakeRegistrar(clock, 'alice', 'secret', { bob: 'bobpw', carol: 'carolpw' });
  const configs = users.map((u) => make(u));
  const stack = new SipStack({
    servers: configs[0]!.servers,
    transportFactory: registrar.factory,
    clock,
    random: seeded(),
    ...options,
  });
  await stack.start();
  const changes = new Map<string, StateChange[]>();
  const agents = configs.map((c, i) => {
    const ua = new UserAgent(c, { stack });
    const list: StateChange[] = [];
    changes.set(users[i]!, list);
    ua.on('registration', (change) => list.push(change));
    return ua;
  });
  for (const ua of agents) await ua.start();
  await run(clock, 100);
  return { clock, registrar, stack, agents, changes };
}

function request(method: string, uri: string, id: string): string {
  return (
    `${method} ${uri} SIP/2.0\r\nVia: SIP/2.0/WS proxy.test;branch=z9hG4bK${id}\r\n` +
    `From: <sip:dave@example.test>;tag=d\r\nTo: <${uri}>\r\nCall-ID: ${id}\r\n` +
    `CSeq: 1 ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`
  );
}

/** A request for the stack to send (the transaction layer adds the Via). */
function outgoing(method: string, id: string): SipRequest {
  const text = request(method, 'sip:example.test', id).replace(/Via: [^\r]*\r\n/, '');
  return parseMessage(new TextEncoder().encode(text)) as SipRequest;
}

/** The answers the stack sent, as `status Server` pairs (`-` for no Server header). */
function answers(registrar: FakeRegistrar): string[] {
  return registrar.wire
    .filter((w) => w.startsWith('SIP/2.0'))
    .map((w) => `${w.split(' ')[1]} ${/\r\nServer: ([^\r]*)/.exec(w)?.[1] ?? '-'}`);
}

describe('SipStack', () => {
  test('several user agents register over one transport, each through its own transactions', async () => {
    const { registrar, stack, agents } = await setup();
    expect(registrar.transportsMade).toBe(1);
    expect(stack.userAgentCount).toBe(3);
    expect(agents.map((ua) => ua.registerer?.state)).toEqual(['registered', 'registered', 'registered']);
    expect([...registrar.bound.keys()].sort()).toEqual(['alice', 'bob', 'carol']);
    // Challenged and answered once each: two REGISTERs per user agent, each with its own Call-ID.
    expect(registrar.received).toHaveLength(6);
    expect(new Set(registrar.received.map((r) => r.callId)).size).toBe(3);
    const branches = registrar.received.map((r) => r.topVia?.branch);
    expect(new Set(branches).size).toBe(6);
  });

  test('requests go to the user agent the Request-URI names; the rest are answered by the stack', async () => {
    const { clock, registrar, agents } = await setup();
    const [alice, bob] = agents;
    const aliceContact = alice!.registerer!.contactUser;
    const bobContact = bob!.registerer!.contactUser;
    const sends: [string, string][] = [
      ['OPTIONS', `sip:${aliceContact}@fake.invalid;transport=ws`],
      ['MESSAGE', `sip:${bobContact}@fake.invalid;transport=ws`],
      ['OPTIONS', 'sip:carol@example.test'], // the AOR itself
      ['OPTIONS', 'sip:nobody@fake.invalid'],
      ['OPTIONS', 'sip:fake.invalid;transport=ws'], // the stack itself
      ['MESSAGE', 'sip:fake.invalid;transport=ws'],
    ];
    registrar.wire.length = 0;
    sends.forEach(([method, uri], i) => {
      registrar.inject(request(method, uri, `req-${i}`));
    });
    await run(clock, 50);
    expect(answers(registrar)).toEqual([
      '200 UA-alice',
      '405 UA-bob',
      '200 UA-carol',
      '404 -',
      '200 -',
      '405 -',
    ]);
    const stackOptions = registrar.wire.filter((w) => w.startsWith('SIP/2.0'))[4]!;
    expect(stackOptions).toMatch(/\r\nAllow: OPTIONS\r\n/);
    expect(stackOptions).toMatch(/\r\nAccept: application\/sdp\r\n/);
  });

  test('a request to an address-of-record goes to the first attached user agent with it, then to the next', async () => {
    const { clock, registrar, stack, agents } = await setup(['alice', 'bob']);
    const second = new UserAgent(config('alice', 'UA-alice-2'), { stack });
    await second.start();
    await run(clock, 100);
    const ask = async (uri: string, id: string) => {
      registrar.wire.length = 0;
      registrar.inject(request('OPTIONS', uri, id));
      await run(clock, 20);
      return answers(registrar);
    };
    expect(await ask('sip:alice@EXAMPLE.test', 'aor-1')).toEqual(['200 UA-alice']);
    expect(await ask('sip:nobody@example.test', 'aor-2')).toEqual(['404 -']);
    // Attached after the first AOR lookup: found too.
    const carol = new UserAgent(config('carol'), { stack });
    await carol.start();
    await run(clock, 100);
    expect(await ask('sip:carol@example.test', 'aor-3')).toEqual(['200 UA-carol']);
    // The first alice stops: the other alice takes the AOR's requests; once it stops too, 404.
    await during(clock, agents[0]!.stop());
    expect(await ask('sip:alice@example.test', 'aor-4')).toEqual(['200 UA-alice-2']);
    await during(clock, second.stop());
    expect(await ask('sip:alice@example.test', 'aor-5')).toEqual(['404 -']);
    expect(await ask('sip:bob@example.test', 'aor-6')).toEqual(['200 UA-bob']);
    await during(clock, stack.stop());
  });

  test('a request with an Asterisk line parameter goes to the user agent with that line', async () => {
    const withLine = (user: keyof typeof USERS) => {
      const c = config(user);
      return { ...c, contact: { ...c.contact, line: true } };
    };
    const { clock, registrar, stack, agents } = await setup(['alice', 'bob'], withLine);
    const [alice, bob] = agents;
    const lines = [alice!.registerer!.line, bob!.registerer!.line];
    expect(lines.every((l) => l !== undefined && /^[a-z]{7}$/.test(l))).toBe(true);
    const ask = async (uri: string, id: string) => {
      registrar.wire.length = 0;
      registrar.inject(request('OPTIONS', uri, id));
      await run(clock, 20);
      return answers(registrar);
    };
    // The line decides, whatever the user part says.
    expect(await ask(`sip:s@fake.invalid;line=${lines[1]}`, 'line-1')).toEqual(['200 UA-bob']);
    expect(await ask(`sip:s@fake.invalid;line=${lines[0]}`, 'line-2')).toEqual(['200 UA-alice']);
    await during(clock, bob!.stop());
    expect(await ask(`sip:s@fake.invalid;line=${lines[1]}`, 'line-3')).toEqual(['404 -']);
    await during(clock, stack.stop());
  });

  test('a user agent stops alone: it unregisters and detaches, the stack and the others keep running', async () => {
    const { clock, registrar, stack, agents } = await setup();
    const [alice, bob, carol] = agents;
    await during(clock, alice!.stop());
    expect(alice!.state).toBe('stopped');
    expect(registrar.received.at(-1)?.expires).toBe(0);
    expect(registrar.bound.has('alice')).toBe(false);
    expect(stack.state).toBe('started');
    expect(stack.transportState).toBe('connected');
    expect(stack.userAgentCount).toBe(2);
    expect(registrar.transport?.state).toBe('connected');
    // Requests for the stopped user agent are now the stack's: 404.
    registrar.wire.length = 0;
    registrar.inject(request('OPTIONS', `sip:${alice!.registerer!.contactUser}@fake.invalid`, 'after-stop'));
    await run(clock, 20);
    expect(answers(registrar)).toEqual(['404 -']);
    // A stopped user agent cannot be started again, on the same stack or not.
    await expect(alice!.start()).rejects.toMatchObject({ code: 'NOT_STARTED' });

    // stack.stop() stops (unregisters) the user agents still attached, then closes the transport.
    registrar.closeDelay = 30;
    const stopping = stack.stop();
    expect(stack.stop()).toBe(stopping);
    await during(clock, stopping);
    expect([bob!.state, carol!.state]).toEqual(['stopped', 'stopped']);
    expect(registrar.bound.size).toBe(0);
    expect(stack.state).toBe('stopped');
    expect(registrar.transport?.state).toBe('closed');
    expect(stack.userAgentCount).toBe(0);
    expect(clock.pending).toBe(0);
  });

  test('stop() stops the attached user agents stopConcurrency at a time, and every one unregisters', async () => {
    const { clock, registrar, stack, agents } = await setup(undefined, undefined, { stopConcurrency: 2 });
    expect(registrar.bound.size).toBe(3);
    let running = 0;
    let most = 0;
    for (const ua of agents) {
      const stop = ua.stop.bind(ua);
      vi.spyOn(ua, 'stop').mockImplementation(async () => {
        most = Math.max(most, ++running);
        await stop();
        running--;
      });
    }
    await during(clock, stack.stop());
    expect(most).toBe(2);
    expect(agents.map((ua) => ua.state)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(registrar.bound.size).toBe(0);
    expect(() => new SipStack({ servers: config('alice').servers, stopConcurrency: 0 })).toThrow(RangeError);
  });

  test('stop() with a registrar that no longer answers takes about one graceful shutdown, not one per user agent', async () => {
    const { clock, registrar, stack, agents } = await setup(undefined, undefined, { stopConcurrency: 1 });
    registrar.hostile = () => []; // silent from now on
    const started = clock.now();
    let stoppedAt: number | undefined;
    const stopping = stack.stop().then(() => {
      stoppedAt = clock.now();
    });
    await run(clock, 5_000);
    await stopping;
    // One lane: each user agent's 2 s graceful shutdown, begun 200 ms after the one before.
    expect(stoppedAt! - started).toBeLessThanOrEqual(2 * 200 + 2_000 + 10);
    expect(agents.map((ua) => ua.state)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(stack.state).toBe('stopped');
    expect(clock.pending).toBe(0);
  });

  test('first registrations begin startConcurrency at a time, in the order the user agents started', async () => {
    const { registrar, agents } = await setup(undefined, undefined, { startConcurrency: 1 });
    expect(registrar.mostUnanswered).toBe(1);
    expect(agents.map((ua) => ua.registerer?.state)).toEqual(['registered', 'registered', 'registered']);
    // Each one's challenged REGISTER and its answer, before the next one begins.
    const users = registrar.received.map((r) => (r.from?.uri.kind === 'sip' ? r.from.uri.user : ''));
    expect(users).toEqual(['alice', 'alice', 'bob', 'bob', 'carol', 'carol']);
  });

  test('the default startConcurrency does not hold back a few user agents', async () => {
    const { registrar } = await setup();
    expect(registrar.mostUnanswered).toBe(3);
  });

  test('with a registrar that does not answer, the next first registration begins after 1 s', async () => {
    const { clock, registrar, stack } = await setup(['alice'], undefined, { startConcurrency: 1 });
    registrar.hostile = () => [];
    const at: number[] = [];
    const handle = registrar.handle.bind(registrar);
    vi.spyOn(registrar, 'handle').mockImplementation(async (bytes) => {
      at.push(clock.now());
      await handle(bytes);
    });
    const t0 = clock.now();
    for (const user of ['bob', 'carol'] as const) await new UserAgent(config(user), { stack }).start();
    await run(clock, 2_500);
    expect(at.map((t) => t - t0)).toEqual([0, 1_000]);
  });

  test('a user agent stopped while it waits for its turn never registers; refreshes do not wait', async () => {
    const { clock, registrar, stack, agents } = await setup(['alice'], undefined, { startConcurrency: 1 });
    const [alice] = agents;
    const bob = new UserAgent(config('bob'), { stack });
    const carol = new UserAgent(config('carol'), { stack });
    registrar.hostile = () => []; // silent: bob's first REGISTER holds the only place

    await bob.start();
    await carol.start();
    const refresh = alice!.register().catch(() => undefined);
    await run(clock, 100);
    await carol.stop();
    await run(clock, 3_000);
    const users = registrar.received.map((r) => (r.from?.uri.kind === 'sip' ? r.from.uri.user : ''));
    expect(users.slice(2)).toEqual(['bob', 'alice']);
    expect(users).not.toContain('carol');
    expect(stack.userAgentCount).toBe(2);
    registrar.hostile = undefined;
    await during(clock, stack.stop(), 5_000);
    await refresh;
    expect(clock.pending).toBe(0);
  });

  test('stack.stop() ends the turns not begun: a user agent still waiting never registers', async () => {
    // One stop at a time: carol's turn would come while the stop lanes are still busy.
    const { clock, registrar, stack } = await setup(['alice'], undefined, {
      startConcurrency: 1,
      stopConcurrency: 1,
    });
    const before = registrar.received.length;
    const late = [new UserAgent(config('bob'), { stack }), new UserAgent(config('carol'), { stack })];
    for (const ua of late) await ua.start(); // bob begins, carol waits for bob's place
    await during(clock, stack.stop(), 5_000);
    const users = registrar.received
      .slice(before)
      .map((r) => (r.from?.uri.kind === 'sip' ? r.from.uri.user : ''));
    expect(users).not.toContain('carol');
    expect(late.map((ua) => ua.state)).toEqual(['stopped', 'stopped']);
    expect(clock.pending).toBe(0);
  });

  test('turns wait while the shared transport is down, and begin once it is back', async () => {
    const { clock, registrar, stack } = await setup(['alice'], undefined, { startConcurrency: 1 });
    registrar.hostile = () => []; // silent: bob's first REGISTER holds the only place, for 1 s
    const events: string[] = [];
    stack.on('transport', (state) => events.push(`${clock.now()} transport ${state}`));
    const bob = new UserAgent(config('bob'), { stack });
    const carol = new UserAgent(config('carol'), { stack });
    carol.on('registration', (c) => events.push(`${clock.now()} carol ${c.state}`));
    await bob.start();
    await carol.start(); // waits for bob's place
    await run(clock, 100);
    registrar.refuseConnections = true; // down for 5 s: bob's place frees (1 s) meanwhile
    registrar.transport!.drop();
    await run(clock, 5_000, 100);
    registrar.refuseConnections = false;
    await run(clock, 35_000, 100);
    const back = events.findIndex((e) => e.endsWith('transport connected'));
    const carolBegins = events.findIndex((e) => e.endsWith('carol registering'));
    expect(back).toBeGreaterThanOrEqual(0);
    // Not in the window while the transport was down: only once it was back.
    expect(carolBegins).toBeGreaterThan(back);
    await during(clock, stack.stop(), 5_000);
  });

  test("a stopped user agent's turn to register again leaves the queue with it", async () => {
    const { clock, registrar, stack, agents } = await setup(undefined, undefined, { startConcurrency: 1 });
    registrar.hostile = () => []; // silent: each turn holds its place for 1 s
    registrar.transport!.drop();
    // Until the transport is back, with the three turns to register again queued behind one another.
    for (let t = 0; t < 35_000 && stack.transportState !== 'connected'; t += 10) await run(clock, 10);
    const queued = (s: SipStack) => (s as unknown as { admissions: Map<object, unknown> }).admissions;
    const [, bob, carol] = agents;
    expect(queued(stack).has(carol!.registerer!)).toBe(true);
    await Promise.all([bob!.stop(), carol!.stop()]);
    expect(queued(stack).has(bob!.registerer!)).toBe(false);
    expect(queued(stack).has(carol!.registerer!)).toBe(false);
    await during(clock, stack.stop(), 5_000);
  });

  test('startConcurrency and stopConcurrency take a whole number of at least 1, or Infinity', () => {
    const servers = config('alice').servers;
    for (const n of [0, 1.5, -1, Number.NaN])
      for (const key of ['startConcurrency', 'stopConcurrency'])
        expect(() => new SipStack({ servers, [key]: n })).toThrow(new RegExp(`^${key} must be`));
    expect(() => new SipStack({ servers, startConcurrency: Infinity, stopConcurrency: 1 })).not.toThrow();
  });

  test('a request the transaction layer refuses rejects; sending never throws', async () => {
    const { stack } = await setup(['alice']);
    await expect(stack.sender.send(outgoing('ACK', 'a-1'))).rejects.toMatchObject({
      name: 'TransactionError',
    });
  });

  test('stop() resolves only after the transport has closed its socket', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const ua = new UserAgent(config('alice'), {
      clock,
      random: seeded(),
      transportFactory: registrar.factory,
    });
    await ua.start();
    await run(clock, 100);
    registrar.closeDelay = 500;
    let stoppedAt: number | undefined;
    const stopping = ua.stop().then(() => {
      stoppedAt = clock.now();
    });
    expect(ua.stop()).toBe(ua.stop());
    await run(clock, 1000);
    await stopping;
    expect(registrar.transport?.closedAt).toBeDefined();
    expect(stoppedAt).toBeGreaterThanOrEqual(registrar.transport!.closedAt!);
  });

  test('a dropped transport makes every attached user agent register again once it is back', async () => {
    const { clock, registrar, agents, changes } = await setup();
    const before = registrar.received.length;
    registrar.transport!.drop();
    await run(clock, 35_000, 100); // JsSIP reconnects within connection_recovery_max_interval (30 s)
    expect(registrar.transportsMade).toBe(2);
    for (const ua of agents) expect(ua.registerer?.state).toBe('registered');
    for (const list of changes.values()) {
      // JsSIP drops the binding with the connection, and registers again once it is back.
      expect(list.map((c) => `${c.state}:${c.reason}`).slice(2)).toEqual([
        'unregistered:transport-disconnected',
        'registering:transport-connected',
        'registered:registered',
      ]);
    }
    const again = registrar.received.slice(before);
    expect(new Set(again.map((r) => r.callId)).size).toBe(3);
  });

  test('after a reconnect the user agents register again startConcurrency at a time', async () => {
    const { clock, registrar, agents } = await setup(undefined, undefined, { startConcurrency: 1 });
    const before = registrar.received.length;
    registrar.mostUnanswered = 0;
    registrar.transport!.drop();
    await run(clock, 35_000, 100);
    for (const ua of agents) expect(ua.registerer?.state).toBe('registered');
    expect(registrar.mostUnanswered).toBe(1);
    // Each one's challenged REGISTER and its answer before the next one's.
    const users = registrar.received
      .slice(before)
      .map((r) => (r.from?.uri.kind === 'sip' ? r.from.uri.user : ''));
    expect(users).toEqual(['alice', 'alice', 'bob', 'bob', 'carol', 'carol']);
  });

  test('a failed flow makes every attached user agent register again (sipkit profile)', async () => {
    const { clock, registrar, changes } = await setup(['alice', 'bob'], sipkitConfig);
    const before = registrar.received.length;
    registrar.transport!.failFlow();
    await run(clock, 100);
    const again = registrar.received.slice(before);
    // The sipkit profile answers the last challenge again (next nonce count): one REGISTER each.
    const registers = again.filter((r) => r.method === 'REGISTER');
    expect(registers).toHaveLength(2);
    for (const r of registers) expect(r.authorization[0]?.param('nc')).toBe('00000002');
    for (const list of changes.values()) {
      expect(list.at(-1)).toMatchObject({ state: 'registered', reason: 'refreshed' });
    }
  });

  test('transport changes reach every user agent as `transport` events', async () => {
    const { clock, registrar, agents } = await setup(['alice', 'bob']);
    const seen: string[] = [];
    agents.forEach((ua, i) => {
      ua.on('transport', (s) => seen.push(`${i}:${s}`));
    });
    registrar.transport!.drop();
    await run(clock, 35_000, 100);
    expect(seen.slice(0, 2)).toEqual(['0:disconnected', '1:disconnected']);
    expect(seen).toContain('0:connected');
    expect(seen).toContain('1:connected');
  });

  test('typed errors for misuse', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    const alice = config('alice');
    expect(() => new SipStack({ servers: [] })).toThrow(UserAgentError);
    const stack = new SipStack({ servers: alice.servers, transportFactory: registrar.factory, clock });
    const early = new UserAgent(alice, { stack });
    await expect(early.start()).rejects.toMatchObject({ code: 'STACK_NOT_STARTED' });
    expect(early.state).toBe('idle');
    await stack.start();
    await expect(stack.start()).rejects.toMatchObject({ code: 'NOT_STARTED' });
    const elsewhere = fromJsSIP({
      uri: 'sip:bob@example.test',
      password: 'x',
      sockets: ['wss://other.test'],
    });
    await expect(new UserAgent(elsewhere, { stack }).start()).rejects.toMatchObject({
      code: 'STACK_MISMATCH',
    });
    // The config's servers may be other objects naming the same servers.
    await early.start();
    expect(early.state).toBe('started');
    await during(clock, stack.stop());
    expect(early.state).toBe('stopped');
    await expect(new UserAgent(config('bob'), { stack }).start()).rejects.toMatchObject({
      code: 'STACK_NOT_STARTED',
    });
  });
});

describe('withIdentity', () => {
  test('changes only who the config is; everything else is the objects of the base config', async () => {
    const base = config('alice');
    const bob = withIdentity(base, { aor: 'sip:bob@example.test', password: 'bobpw', displayName: 'Bob' });
    expect(bob.identity.aor.toString()).toBe('sip:bob@example.test');
    expect(bob.identity).toMatchObject({ authorizationUser: 'bob', displayName: 'Bob' });
    expect(bob.credentials.digest).toEqual([
      expect.objectContaining({ username: 'bob', password: 'bobpw', ha1: {} }),
    ]);
    for (const key of ['servers', 'registration', 'connection', 'contact', 'profileParams'] as const)
      expect(bob[key]).toBe(base[key]);
    expect(base.identity.aor.user).toBe('alice');
    expect(() => withIdentity(base, { aor: 'sip:example.test', password: 'x' })).toThrow(UserAgentError);

    // And it registers as bob.
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock, 'bob', 'bobpw');
    const ua = new UserAgent(bob, { clock, random: seeded(), transportFactory: registrar.factory });
    await ua.start();
    await run(clock, 100);
    expect(ua.registerer?.state).toBe('registered');
    expect(registrar.received.at(-1)?.authorization[0]?.param('username')).toBe('bob');
    await during(clock, ua.stop());
  });
});

describe('UserAgentOptions.identity', () => {
  test('a population on one base config: each user agent registers as its own identity', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock, 'alice', 'secret', { bob: 'bobpw', carol: 'carolpw' });
    const base = config('alice');
    const stack = new SipStack({
      servers: base.servers,
      transportFactory: registrar.factory,
      clock,
      random: seeded(),
    });
    await stack.start();
    const agents = (['bob', 'carol'] as const).map(
      (user) =>
        new UserAgent(base, { stack, identity: { aor: `sip:${user}@example.test`, password: USERS[user] } }),
    );
    for (const ua of agents) await ua.start();
    await run(clock, 100);
    expect(agents.map((ua) => ua.registerer?.state)).toEqual(['registered', 'registered']);
    expect([...registrar.bound.keys()].sort()).toEqual(['bob', 'carol']);
    const usernames = registrar.received.map((r) => r.authorization[0]?.param('username')).filter(Boolean);
    expect(usernames.sort()).toEqual(['bob', 'carol']);
    // The effective config is what withIdentity gives; the base is untouched and shared.
    const carol = agents[1]!.config;
    expect(carol.identity.aor.toString()).toBe('sip:carol@example.test');
    expect(carol.credentials.digest[0]).toMatchObject({ username: 'carol', password: 'carolpw' });
    expect(carol.servers).toBe(base.servers);
    expect(base.identity.aor.user).toBe('alice');
    // A request for the AOR reaches the user agent that has it.
    registrar.wire.length = 0;
    registrar.inject(request('OPTIONS', 'sip:carol@example.test', 'req-carol'));
    await run(clock, 50);
    expect(answers(registrar)).toEqual(['200 UA-alice']);
    for (const ua of agents) await during(clock, ua.stop());
    await during(clock, stack.stop());
  });

  test('an identity without a SIP user is refused when the user agent is made', () => {
    expect(
      () => new UserAgent(config('alice'), { identity: { aor: 'sip:example.test', password: 'x' } }),
    ).toThrow(UserAgentError);
    expect(
      () => new UserAgent(config('alice'), { identity: { aor: 'tel:+15550100', password: 'x' } }),
    ).toThrow(/sip: or sips: URI with a user part/);
  });
});
