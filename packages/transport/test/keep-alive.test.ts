import { KeepAlive, VirtualClock } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';
import { scriptedRandom } from './helpers.js';

function rig(random = scriptedRandom([1 - 2 ** -30]), intervalMs = 30_000) {
  const clock = new VirtualClock();
  const pings: number[] = [];
  const failures: string[] = [];
  const ka = new KeepAlive(
    { sendPing: () => pings.push(clock.now()), onFailure: (r) => failures.push(r) },
    { clock, random, intervalMs },
  );
  return { clock, pings, failures, ka };
}

describe('KeepAlive (RFC 5626 CRLF)', () => {
  it('pings after 80-100 % of the interval and keeps going while pongs come back', () => {
    const { clock, pings, failures, ka } = rig(scriptedRandom([0, 1 - 2 ** -30]));
    ka.start();
    clock.advance(23_999);
    expect(pings).toEqual([]);
    clock.advance(1);
    expect(pings).toEqual([24_000]); // 0.8 * 30 s with random 0
    clock.advance(5_000);
    ka.pongReceived();
    clock.advance(30_000);
    expect(pings).toEqual([24_000, 59_000]); // then ~100 % of 30 s after the pong
    ka.pongReceived();
    expect(failures).toEqual([]);
  });

  it('reports a flow failure when no pong arrives within 10 s, then stops', () => {
    const { clock, pings, failures, ka } = rig();
    ka.start();
    clock.advance(30_000);
    expect(pings.length).toBe(1);
    clock.advance(9_999);
    expect(failures).toEqual([]);
    clock.advance(1);
    expect(failures).toEqual(['no keep-alive pong within 10000 ms']);
    expect(ka.active).toBe(false);
    clock.advance(600_000);
    expect(pings.length).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('with pongTimeoutMs 0 pings on and never fails, pong or not (SIP.js, Asterisk)', () => {
    const clock = new VirtualClock();
    const pings: number[] = [];
    const failures: string[] = [];
    const ka = new KeepAlive(
      { sendPing: () => pings.push(clock.now()), onFailure: (r) => failures.push(r) },
      { clock, random: scriptedRandom([0]), intervalMs: 30_000, pongTimeoutMs: 0 },
    );
    ka.start();
    clock.advance(120_000);
    expect(pings).toEqual([24_000, 48_000, 72_000, 96_000, 120_000]); // 80 % of 30 s each
    ka.pongReceived(); // an unasked-for pong changes nothing
    clock.advance(24_000);
    expect(pings.length).toBe(6);
    expect(failures).toEqual([]);
    expect(ka.active).toBe(true);
    ka.stop();
    expect(clock.pending).toBe(0);
  });

  it('with jitter false pings at exactly the interval, then the Flow-Timer (Asterisk)', () => {
    const clock = new VirtualClock();
    const pings: number[] = [];
    // Draws of 0 would give 80 % with jitter on: the pings below prove none are taken.
    const random = scriptedRandom([0]);
    const ka = new KeepAlive(
      { sendPing: () => pings.push(clock.now()), onFailure() {} },
      { clock, random, intervalMs: 90_000, pongTimeoutMs: 0, jitter: false },
    );
    ka.start();
    clock.advance(89_999);
    expect(pings).toEqual([]);
    clock.advance(1);
    clock.advance(180_000);
    expect(pings).toEqual([90_000, 180_000, 270_000]);
    ka.setFlowTimer(30);
    clock.advance(60_000);
    expect(pings).toEqual([90_000, 180_000, 270_000, 300_000, 330_000]);
    expect(random.draws).toBe(0);
    ka.stop();
  });

  it('ignores a pong nobody asked for', () => {
    const { clock, failures, ka } = rig();
    ka.start();
    ka.pongReceived();
    clock.advance(30_000 + 10_000);
    expect(failures.length).toBe(1);
  });

  it('takes the interval from a Flow-Timer', () => {
    const { clock, pings, ka } = rig(scriptedRandom([0]), 120_000);
    ka.start();
    ka.setFlowTimer(25);
    expect(ka.interval).toBe(25_000);
    clock.advance(20_000);
    expect(pings).toEqual([20_000]); // 80 % of 25 s
  });

  it('keeps the wait under way when a refresh repeats the same Flow-Timer', () => {
    const { clock, pings, ka } = rig(scriptedRandom([0]), 120_000);
    ka.start();
    ka.setFlowTimer(60);
    // Refreshes every 30 s, each with the same Flow-Timer: the ping still goes at 48 s.
    for (let t = 0; t < 2; t++) {
      clock.advance(30_000);
      ka.setFlowTimer(60);
    }
    expect(pings).toEqual([48_000]); // 80 % of 60 s
  });

  it('stop cancels every timer', () => {
    const { clock, ka } = rig();
    ka.start();
    clock.advance(30_000);
    ka.stop();
    expect(clock.pending).toBe(0);
  });

  it('rejects a non-positive interval', () => {
    expect(() => new KeepAlive({ sendPing() {}, onFailure() {} }, { intervalMs: 0 })).toThrow(RangeError);
  });
});
