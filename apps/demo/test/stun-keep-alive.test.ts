// RFC 5626 section 4.4.2 end to end over real loopback UDP: the embedded registrar confirms the
// sipkit profile's registration as an outbound flow, the user agent keeps the flow alive with
// STUN Binding requests, and the registrar answers them as section 8 asks of an edge proxy.
// The user agent runs on a virtual clock; the datagrams cross real sockets.
import { sipkitConfig } from '@sipkit/config';
import { seededRandom, VirtualClock } from '@sipkit/transport';
import { UdpTransport } from '@sipkit/transport/node';
import { type StateChange, UserAgent } from '@sipkit/ua';
import { nodeTransportFactory } from '@sipkit/ua/node';
import { afterEach, describe, expect, test } from 'vitest';
import { DevRegistrar } from '../src/dev-registrar/dev-registrar.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Resolves once `pred` holds (real time, checked every 5 ms); rejects after `ms`. */
async function until(pred: () => boolean, what: string, ms = 3000): Promise<void> {
  for (const start = Date.now(); !pred(); ) {
    if (Date.now() - start > ms) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Moves the virtual clock `ms` forward in 250 ms steps (less than the first 500 ms STUN
 * retransmission), giving each step a little real time for datagrams to cross loopback.
 */
async function run(clock: VirtualClock, ms: number, stop: () => boolean = () => false): Promise<void> {
  for (const end = clock.now() + ms; clock.now() < end && !stop(); ) {
    clock.advance(Math.min(250, end - clock.now()));
    await new Promise((r) => setTimeout(r, 3));
  }
}

/** A registrar, and a registered sipkit-profile user agent over UDP. */
async function registeredOverUdp(flowTimer?: number) {
  const registrar = new DevRegistrar({
    users: [{ username: 'alice', password: 'alicepw' }],
    flowTimer,
  });
  const at = await registrar.start();
  cleanup.push(() => registrar.stop());
  const clock = new VirtualClock();
  const config = sipkitConfig({
    aor: 'sip:alice@example.test',
    password: 'alicepw',
    servers: `sip:127.0.0.1:${at.udp!.port}`,
    expires: 3600,
  });
  expect(config.connection.keepAliveInterval).toBe(0);
  const registers: number[] = [];
  let udp: UdpTransport | undefined;
  const ua = new UserAgent(config, {
    clock,
    random: seededRandom(7),
    transportFactory: (server, context) => {
      const t = nodeTransportFactory(server, context);
      if (t instanceof UdpTransport) udp = t;
      return t;
    },
    trace: (direction, text) => {
      if (direction === 'out' && text.startsWith('REGISTER ')) registers.push(clock.now());
    },
  });
  cleanup.push(async () => {
    // The un-REGISTER's transaction runs on the virtual clock: move it until the stop is done.
    let done = false;
    const stopped = ua.stop().finally(() => {
      done = true;
    });
    await run(clock, 60_000, () => done);
    await stopped;
  });
  await ua.start();
  await ua.register();
  expect(ua.registerer?.outbound).toBe(true);
  const changes: StateChange[] = [];
  ua.on('registration', (c) => changes.push(c));
  // The registrar's answers, as the user agent's UDP transport counts them.
  const answered = () => udp?.keepAliveResponses ?? 0;
  return { registrar, clock, changes, registers, answered };
}

describe('STUN keep-alives on a confirmed outbound UDP flow', () => {
  test('follow Flow-Timer: 5, the registrar answers them, and the flow stays up', async () => {
    const { clock, changes, registers, answered } = await registeredOverUdp(5);
    const before = registers.length;
    await run(clock, 3_900);
    expect(answered()).toBe(0);
    // One request per 4-5 s. Unanswered, the first would fail the flow 39.5 s after it was sent
    // and the user agent would register again.
    await run(clock, 56_100);
    expect(answered()).toBeGreaterThanOrEqual(12);
    expect(registers.length).toBe(before);
    expect(changes).toEqual([]);
  });

  test('without Flow-Timer the nominal interval over UDP is 29 s (the first request at 23.2-29 s)', async () => {
    const { clock, answered } = await registeredOverUdp();
    const registeredAt = clock.now();
    await run(clock, 23_000);
    expect(answered()).toBe(0);
    await run(clock, 7_000, () => answered() > 0);
    expect(answered()).toBeGreaterThan(0);
    // Seen at most a few 250 ms steps after it went out: well short of the 96 s of a stream.
    expect(clock.now() - registeredAt).toBeGreaterThan(23_200);
    expect(clock.now() - registeredAt).toBeLessThanOrEqual(30_000);
  });

  test('a registrar that stops answering fails the flow and the user agent registers again', async () => {
    const { registrar, clock, changes, registers, answered } = await registeredOverUdp(5);
    const before = registers.length;
    await run(clock, 5_000);
    await until(() => answered() === 1, 'the answer to the first Binding request');
    await registrar.stop();
    // The next request goes out after the registrar stopped; unanswered, it fails the flow 39.5 s later.
    await run(clock, 39_000);
    expect(registers.length).toBe(before);
    await run(clock, 15_000, () => registers.length > before);
    expect(registers.length).toBe(before + 1);
    expect(changes).toEqual([]);
  });
});
