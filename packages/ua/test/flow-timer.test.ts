import { fromJsSIP, fromSipJs, sipkitConfig, type UserAgentConfig } from '@sipkit/config';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, test } from 'vitest';
import { UserAgent } from '../src/index.js';
import { run } from './virtual-time.js';
import { type OkHeaders, WirePeer } from './wire-harness.js';

/**
 * RFC 5626 section 4.4.1: a `Flow-Timer` in the 2xx to an outbound REGISTER sets the keep-alive
 * interval of the flow (pings at 80-100 % of it). Keep-alives configured every 90 s.
 */
async function pingsAfter(
  okHeaders: OkHeaders,
  outbound: boolean,
  window = 200_000,
  config: UserAgentConfig = fromSipJs(
    {
      uri: 'sip:alice@example.com',
      authorizationPassword: 'x',
      transportOptions: { server: 'wss://edge.example.com', keepAliveInterval: 90 },
    },
    outbound ? { regId: 1 } : {},
  ),
): Promise<number[]> {
  const clock = new VirtualClock();
  const peer = new WirePeer(clock);
  peer.okHeaders = okHeaders;
  const ua = new UserAgent(config, { clock, transportFactory: peer.webSocketFactory });
  await ua.start();
  const registeredAt = clock.now();
  const registered = ua.register();
  await run(clock, 200);
  await registered;
  expect(ua.registerer?.state).toBe('registered');
  await run(clock, window, 500);
  const done = ua.stop();
  await run(clock, 200);
  await done;
  return peer.pings.map((t) => t - registeredAt);
}

/** Gaps between successive pings (the first from the registration). */
const gaps = (pings: number[]) => pings.map((t, i) => t - (i === 0 ? 0 : pings[i - 1]!));

describe('Flow-Timer from the REGISTER 2xx', () => {
  test('with Require: outbound, keep-alives follow Flow-Timer: 20 (every 16-20 s)', async () => {
    const pings = await pingsAfter(
      [
        ['Require', 'outbound'],
        ['Flow-Timer', '20'],
      ],
      true,
    );
    // 200 s at one ping per 16-20 s (the first is re-armed when the 2xx arrives).
    expect(pings.length).toBeGreaterThanOrEqual(10);
    for (const gap of gaps(pings)) {
      expect(gap).toBeGreaterThanOrEqual(15_500);
      expect(gap).toBeLessThanOrEqual(20_500);
    }
  });

  test('without Require: outbound the flow is not an outbound flow: the configured 90 s stays', async () => {
    const pings = await pingsAfter([['Flow-Timer', '20']], true);
    expect(pings.length).toBeLessThanOrEqual(3);
    for (const gap of gaps(pings).slice(1)) expect(gap).toBeGreaterThanOrEqual(72_000);
  });

  test('a REGISTER without reg-id ignores Flow-Timer', async () => {
    const pings = await pingsAfter(
      [
        ['Require', 'outbound'],
        ['Flow-Timer', '20'],
      ],
      false,
    );
    expect(pings.length).toBeLessThanOrEqual(3);
    for (const gap of gaps(pings).slice(1)) expect(gap).toBeGreaterThanOrEqual(72_000);
  });

  test('a malformed Flow-Timer is ignored', async () => {
    const pings = await pingsAfter(
      [
        ['Require', 'outbound'],
        ['Flow-Timer', '0'],
      ],
      true,
    );
    expect(pings.length).toBeLessThanOrEqual(3);
  });
});

describe('a confirmed outbound flow with keep-alives off in the config', () => {
  const own = () =>
    sipkitConfig({ aor: 'sip:alice@example.com', password: 'x', servers: 'wss://edge.example.com' });
  const confirmed: OkHeaders = [['Require', 'outbound']];

  test('the sipkit profile keeps it alive at the Flow-Timer (RFC 5626 4.4.1)', async () => {
    expect(own().connection.keepAliveInterval).toBe(0);
    const pings = await pingsAfter([...confirmed, ['Flow-Timer', '25']], true, 200_000, own());
    expect(pings.length).toBeGreaterThanOrEqual(8);
    for (const gap of gaps(pings)) {
      expect(gap).toBeGreaterThanOrEqual(19_500);
      expect(gap).toBeLessThanOrEqual(25_500);
    }
  });

  test('the sipkit profile pings every 96-120 s without a Flow-Timer', async () => {
    const pings = await pingsAfter(confirmed, true, 400_000, own());
    expect(pings.length).toBeGreaterThanOrEqual(3);
    for (const gap of gaps(pings)) {
      expect(gap).toBeGreaterThanOrEqual(95_500);
      expect(gap).toBeLessThanOrEqual(120_500);
    }
  });

  test('without Require: outbound the sipkit profile sends no keep-alive', async () => {
    expect(await pingsAfter([['Flow-Timer', '25']], true, 400_000, own())).toEqual([]);
  });

  test('the JsSIP profile never sends one (JsSIP has no keep-alives)', async () => {
    const jssip = fromJsSIP({
      uri: 'sip:alice@example.com',
      password: 'x',
      sockets: ['wss://edge.example.com'],
    });
    expect(await pingsAfter([...confirmed, ['Flow-Timer', '25']], true, 400_000, jssip)).toEqual([]);
  });
});
