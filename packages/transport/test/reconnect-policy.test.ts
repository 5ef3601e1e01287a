import { exponentialBackoff, jssipBackoff, randomUnit, sipjs07Backoff } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';
import { scriptedRandom } from './helpers.js';

describe('scriptedRandom helper', () => {
  it('makes randomUnit return the scripted values', () => {
    const r = scriptedRandom([0, 0.25, 0.5, 0.999999]);
    expect([randomUnit(r), randomUnit(r), randomUnit(r), randomUnit(r)]).toEqual([0, 0.25, 0.5, 0.999999]);
  });
});

describe('jssipBackoff (JsSIP: k = floor(random*2^n + 1) clamped to [min, max])', () => {
  it('waits min on the first attempt whatever the random value', () => {
    for (const r of [0, 0.3, 0.99]) {
      expect(jssipBackoff({ random: scriptedRandom([r]) }).nextDelay()).toBe(2000);
    }
  });

  it('gives {2,2,3,4} s on attempt 2 for the four quarters of random', () => {
    const seen = [0.1, 0.3, 0.6, 0.9].map((r) => {
      const p = jssipBackoff({ random: scriptedRandom([0, r]) });
      p.nextDelay();
      return p.nextDelay();
    });
    expect(seen).toEqual([2000, 2000, 3000, 4000]);
  });

  it('clamps to the maximum and counts attempts without limit', () => {
    const p = jssipBackoff({ random: scriptedRandom([0.99]) });
    // n=1..6: floor(0.99*2^n+1) = 2, 4, 8, 16, 32, 64 -> clamped to 30 from n=5 on.
    expect(Array.from({ length: 7 }, () => p.nextDelay())).toEqual([
      2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('starts over after reset and honours custom intervals', () => {
    const p = jssipBackoff({ minInterval: 3, maxInterval: 5, random: scriptedRandom([0.99]) });
    expect([p.nextDelay(), p.nextDelay(), p.nextDelay()]).toEqual([3000, 4000, 5000]);
    p.reset();
    expect(p.nextDelay()).toBe(3000);
  });

  it('rejects a maximum below the minimum', () => {
    expect(() => jssipBackoff({ minInterval: 5, maxInterval: 2 })).toThrow(RangeError);
  });
});

describe('sipjs07Backoff (SIP.js 0.7: k*min, back to min when above max)', () => {
  it('waits min first, then k*min with k uniform in 1..2^count', () => {
    const p = sipjs07Backoff({ random: scriptedRandom([0.99, 0.99, 0.99, 0.99]) });
    // count 0,1,2,3: k = 1, 2, 4, 8 -> 2, 4, 8, 16 s.
    expect([p.nextDelay(), p.nextDelay(), p.nextDelay(), p.nextDelay()]).toEqual([2000, 4000, 8000, 16000]);
  });

  it('wraps to min and restarts the count when k*min exceeds max', () => {
    const p = sipjs07Backoff({ random: scriptedRandom([0.99]) });
    const waits = Array.from({ length: 7 }, () => p.nextDelay());
    // count 4: k = 16 -> 32 s > 30 s -> 2 s and count = 0, then it climbs again from count 1.
    expect(waits).toEqual([2000, 4000, 8000, 16000, 2000, 4000, 8000]);
  });

  it('multiplies by the minimum where JsSIP clamps', () => {
    const sip = sipjs07Backoff({ minInterval: 3, maxInterval: 100, random: scriptedRandom([0, 0.5]) });
    // count 0: k=1 -> 3 s; count 1 with r=0.5: k = floor(0.5*2+1) = 2 -> 6 s.
    expect([sip.nextDelay(), sip.nextDelay()]).toEqual([3000, 6000]);
    sip.reset();
    expect(sip.nextDelay()).toBe(3000);
  });
});

describe('exponentialBackoff (default policy)', () => {
  it('doubles from min to max without jitter', () => {
    const p = exponentialBackoff({ minMs: 500, maxMs: 5000, jitter: 0 });
    expect(Array.from({ length: 6 }, () => p.nextDelay())).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    p.reset();
    expect(p.nextDelay()).toBe(500);
  });

  it('removes up to the jitter fraction, never going below min', () => {
    const p = exponentialBackoff({
      minMs: 1000,
      maxMs: 60000,
      jitter: 0.5,
      random: scriptedRandom([1 - 2 ** -20, 0.5, 0]),
    });
    expect(p.nextDelay()).toBe(1000); // 1000 * (1 - ~0.5) = 500, floored at min
    expect(p.nextDelay()).toBe(1500); // 2000 * (1 - 0.25)
    expect(p.nextDelay()).toBe(4000); // 4000 * (1 - 0)
  });

  it('defaults to 1 s .. 60 s', () => {
    const p = exponentialBackoff({ jitter: 0 });
    const waits = Array.from({ length: 9 }, () => p.nextDelay());
    expect(waits[0]).toBe(1000);
    expect(waits[8]).toBe(60000);
  });
});
