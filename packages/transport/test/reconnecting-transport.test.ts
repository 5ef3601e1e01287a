import { parseMessage } from '@sipkit/parser';
import {
  exponentialBackoff,
  jssipReconnect,
  ReconnectingTransport,
  type ReconnectingTransportOptions,
  sipjs07Reconnect,
  TransportError,
  VirtualClock,
} from '@sipkit/transport';
import { describe, expect, it } from 'vitest';
import { FakeTransport } from './fake-transport.js';
import { scriptedRandom } from './helpers.js';

/** Lets promise callbacks run (the fake settles attempts through promises). */
const flush = () => new Promise<void>((r) => setTimeout(r, 0));

function rig(
  extra: Partial<ReconnectingTransportOptions<string>> = {},
  servers: ReconnectingTransportOptions<string>['servers'] = ['a'],
) {
  const clock = new VirtualClock();
  const made: FakeTransport[] = [];
  const log: string[] = [];
  const t = new ReconnectingTransport<string>({
    servers,
    create: (s) => {
      const f = new FakeTransport(s);
      made.push(f);
      return f;
    },
    clock,
    random: scriptedRandom([0]),
    ...extra,
  });
  t.on('attempt', (s) => log.push(`${clock.now()} attempt ${s}`));
  t.on('waiting', (ms) => log.push(`${clock.now()} wait ${ms}`));
  const last = () => made[made.length - 1]!;
  return { clock, made, log, t, last };
}

describe('ReconnectingTransport', () => {
  it('connects to the heaviest server and forwards messages, sends and Flow-Timer', async () => {
    const { t, last } = rig({}, [
      { server: 'light', weight: 1 },
      { server: 'heavy', weight: 9 },
    ]);
    expect(t.protocol).toBe('WS');
    expect(t.reliable).toBe(true);
    const done = t.connect();
    expect(t.state).toBe('connecting');
    last().succeed();
    await done;
    expect(t.state).toBe('connected');
    expect(t.server).toBe('heavy');
    const got: string[] = [];
    t.on('message', (m) => got.push(m.callId ?? ''));
    last().emitMessage(
      parseMessage(new TextEncoder().encode('OPTIONS sip:x SIP/2.0\r\nCall-ID: c1\r\n\r\n')),
    );
    expect(got).toEqual(['c1']);
    await t.send(new Uint8Array([1]));
    expect(last().sent.length).toBe(1);
    t.setFlowTimer(30);
    expect(last().flowTimer).toBe(30);
    await t.close();
    expect(t.state).toBe('closed');
    await expect(t.send(new Uint8Array([1]))).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('forwards nothing from a connection once it is replaced or closed', async () => {
    const { t, made, last, clock } = rig({
      policy: exponentialBackoff({ minMs: 1000, maxMs: 1000, jitter: 0 }),
    });
    const got: string[] = [];
    t.on('message', (m) => got.push(m.callId ?? ''));
    t.on('flowFailed', (reason) => got.push(`flow ${reason}`));
    const message = (callId: string) =>
      parseMessage(new TextEncoder().encode(`OPTIONS sip:x SIP/2.0\r\nCall-ID: ${callId}\r\n\r\n`));
    const done = t.connect();
    last().succeed();
    await done;
    const first = last();
    first.emitMessage(message('first'));
    first.drop();
    await flush();
    clock.advance(1000);
    last().succeed();
    await flush();
    expect(made.length).toBe(2);
    // A late message from the dropped connection, and its late flow failure, go nowhere.
    first.emitMessage(message('late'));
    first.drop();
    last().emitMessage(message('second'));
    await t.close();
    last().emitMessage(message('after close'));
    expect(got).toEqual(['first', 'flow dropped', 'second']);
  });

  it('keeps the flow of every later connection alive once asked (RFC 5626 outbound)', async () => {
    const { t, made, last, clock } = rig({
      policy: exponentialBackoff({ minMs: 1000, maxMs: 1000, jitter: 0 }),
    });
    const done = t.connect();
    last().succeed();
    await done;
    t.keepFlowAlive(120);
    expect(last().keptAlive).toBe(120);
    last().drop();
    await flush();
    clock.advance(1000);
    last().succeed();
    await flush();
    expect(made.length).toBe(2);
    expect(last().keptAlive).toBe(120);
    // A Flow-Timer that came after the keep-alives started holds on the next connection too.
    t.setFlowTimer(30);
    expect(last().keptAlive).toBe(30);
    last().drop();
    await flush();
    clock.advance(1000);
    last().succeed();
    await flush();
    expect(made.length).toBe(3);
    expect(last().keptAlive).toBe(30);
    await t.close();
  });

  it('fails over at once to the next server, then backs off when all failed', async () => {
    const { t, last, log, clock } = rig(
      { policy: exponentialBackoff({ minMs: 1000, maxMs: 8000, jitter: 0 }) },
      [
        { server: 'a', weight: 2 },
        { server: 'b', weight: 1 },
      ],
    );
    const done = t.connect();
    last().fail();
    await flush();
    expect(last().server).toBe('b');
    last().fail();
    await flush();
    clock.advance(1000);
    expect(last().server).toBe('a');
    last().fail();
    await flush();
    last().fail(); // b
    await flush();
    clock.advance(2000);
    last().succeed();
    await done;
    expect(log).toEqual([
      '0 attempt a',
      '0 attempt b',
      '0 wait 1000',
      '1000 attempt a',
      '1000 attempt b',
      '1000 wait 2000',
      '3000 attempt a',
    ]);
  });

  it('reproduces JsSIP: every reconnection waits clamp(k, 2, 30) s, attempt counter reset on success', async () => {
    const { t, last, log, clock } = rig({ ...jssipReconnect({ random: scriptedRandom([0.99]) }) });
    const done = t.connect();
    last().succeed();
    await done;
    last().drop();
    await flush();
    clock.advance(2000);
    last().fail();
    await flush();
    clock.advance(4000);
    last().fail();
    await flush();
    clock.advance(8000);
    last().succeed();
    await flush();
    last().drop();
    await flush();
    expect(log).toEqual([
      '0 attempt a',
      '0 wait 2000',
      '2000 attempt a',
      '2000 wait 4000',
      '6000 attempt a',
      '6000 wait 8000',
      '14000 attempt a',
      '14000 wait 2000',
    ]);
    await t.close();
    expect(clock.pending).toBe(0);
  });

  it('reproduces SIP.js 0.7: one immediate retry, retries every 4 s, next server, then k*min recovery', async () => {
    const { t, last, log, clock } = rig({ ...sipjs07Reconnect({ random: scriptedRandom([0.99]) }) }, [
      { server: 'a', weight: 1 },
      { server: 'b', weight: 0 },
    ]);
    const flowFailures: string[] = [];
    t.on('flowFailed', (r) => flowFailures.push(r));
    const done = t.connect();
    last().succeed();
    await done;
    last().drop();
    await flush();
    expect(flowFailures).toEqual(['dropped']);
    last().fail(); // retry 1 of a (immediate)
    await flush();
    clock.advance(4000);
    last().fail(); // retry 2 of a
    await flush();
    clock.advance(4000);
    last().fail(); // retry 3 of a -> next server at once
    await flush();
    last().fail(); // b never came up -> straight on: no server left -> recovery
    await flush();
    clock.advance(2000);
    last().fail(); // a
    await flush();
    last().fail(); // b
    await flush();
    clock.advance(4000); // count 1, random 0.99: k = 2 -> 4 s
    last().succeed();
    await flush();
    expect(t.state).toBe('connected');
    expect(log).toEqual([
      '0 attempt a',
      '0 attempt a',
      '0 wait 4000',
      '4000 attempt a',
      '4000 wait 4000',
      '8000 attempt a',
      '8000 attempt b',
      '8000 wait 2000',
      '10000 attempt a',
      '10000 attempt b',
      '10000 wait 4000',
      '14000 attempt a',
    ]);
  });

  it('gives up after maxAttempts with NO_SERVER, and close() rejects a pending connect', async () => {
    const a = rig({ maxAttempts: 2, policy: exponentialBackoff({ jitter: 0 }) });
    const done = a.t.connect();
    a.last().fail();
    await flush();
    a.clock.advance(1000);
    a.last().fail();
    await expect(done).rejects.toMatchObject({ code: 'NO_SERVER' });
    expect(a.t.state).toBe('disconnected');

    const b = rig();
    const pending = b.t.connect();
    await b.t.close();
    await expect(pending).rejects.toBeInstanceOf(TransportError);
    await expect(b.t.connect()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('maxAttempts 0 (SIP.js reconnectionAttempts: 0): a dropped connection is not retried; connect() starts again', async () => {
    const { t, last, log, made } = rig({ maxAttempts: 0, serverRetries: { attempts: 1, delayMs: 0 } });
    const done = t.connect();
    last().succeed();
    await done;
    last().drop();
    await flush();
    expect(t.state).toBe('disconnected');
    expect(made).toHaveLength(1);
    expect(log).toEqual(['0 attempt a']);
    const again = t.connect();
    last().succeed();
    await again;
    expect(t.state).toBe('connected');
    expect(made).toHaveLength(2);
  });

  it('maxAttempts N after a drop: N reconnects, the first at once', async () => {
    const { t, last, log, clock } = rig({
      maxAttempts: 2,
      serverRetries: { attempts: 1, delayMs: 0 },
      policy: { nextDelay: () => 4000, reset() {} },
    });
    const done = t.connect();
    last().succeed();
    await done;
    last().drop();
    await flush();
    last().fail();
    await flush();
    clock.advance(4000);
    last().fail();
    await flush();
    clock.advance(60_000);
    expect(log).toEqual(['0 attempt a', '0 attempt a', '0 wait 4000', '4000 attempt a']);
    expect(t.state).toBe('disconnected');
  });

  it('needs at least one server', () => {
    expect(
      () => new ReconnectingTransport({ servers: [], create: (s: string) => new FakeTransport(s) }),
    ).toThrow(TransportError);
  });
});

describe('ReconnectingTransport.serverFailed (a request failed: RFC 3263 section 4.3)', () => {
  const weighted = [
    { server: 'light', weight: 1 },
    { server: 'heavy', weight: 10 },
    { server: 'mid', weight: 5 },
  ];

  it('moves to the next server by weight at once, whatever the policy, and back to the top when all failed', async () => {
    const { t, last, log, clock } = rig(jssipReconnect(), weighted);
    const states: string[] = [];
    t.on('state', (s, err) => states.push(err ? `${s} ${(err as TransportError).code}` : s));
    const done = t.connect();
    last().succeed();
    await done;
    expect(t.server).toBe('heavy');
    const first = t.connection;
    const failed = last();
    expect(t.serverFailed(first, '408 to REGISTER')).toBe(true);
    expect(failed.state).toBe('closed');
    expect(t.server).toBe('mid');
    expect(t.state).toBe('connecting');
    last().succeed();
    await flush();
    expect(t.state).toBe('connected');
    expect(t.connection).toBe(first + 1);
    expect(states).toEqual([
      'connecting',
      'connected',
      'disconnected SERVER_FAILED',
      'connecting',
      'connected',
    ]);
    expect(t.serverFailed(t.connection, '408')).toBe(true);
    last().succeed();
    await flush();
    expect(t.server).toBe('light');
    // Every server failed once: the heaviest again, never the one that just failed.
    expect(t.serverFailed(t.connection, '503')).toBe(true);
    expect(t.server).toBe('heavy');
    expect(log).toEqual(['0 attempt heavy', '0 attempt mid', '0 attempt light', '0 attempt heavy']);
    expect(clock.now()).toBe(0);
    await t.close();
  });

  it('counts only failures on the current connection: a burst of timeouts moves it once', async () => {
    const { t, last, made } = rig({}, weighted);
    const done = t.connect();
    last().succeed();
    await done;
    const sentOn = t.connection;
    expect(t.serverFailed(sentOn, '408')).toBe(true);
    // While the next one is being made, and after it is up, the old connection's failures do nothing.
    for (let i = 0; i < 1000; i++) expect(t.serverFailed(sentOn, '408')).toBe(false);
    expect(t.serverFailed(t.connection, '408')).toBe(false);
    last().succeed();
    await flush();
    for (let i = 0; i < 1000; i++) expect(t.serverFailed(sentOn, '408')).toBe(false);
    expect(made.map((f) => f.server)).toEqual(['heavy', 'mid']);
    expect(t.server).toBe('mid');
    await t.close();
    expect(t.serverFailed(t.connection, '408')).toBe(false);
  });

  it('stays with a lone server (there is nowhere to go)', async () => {
    const { t, last, made } = rig({}, ['only']);
    const done = t.connect();
    last().succeed();
    await done;
    expect(t.serverFailed(t.connection, '408')).toBe(false);
    expect(made.length).toBe(1);
    expect(t.state).toBe('connected');
    await t.close();
  });
});
