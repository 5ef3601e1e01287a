import { describe, expect, it } from 'vitest';
import { randomUnit, seededRandom } from '../src/index.js';

describe('seededRandom', () => {
  it('gives the same bytes for the same seed, however the draws are split', () => {
    const whole = seededRandom(42)(23);
    const split = seededRandom(42);
    const parts = [split(1), split(4), split(7), split(11)];
    expect(Uint8Array.from(parts.flatMap((p) => [...p]))).toEqual(whole);
    expect(seededRandom(42)(23)).toEqual(whole);
  });

  it('differs between seeds and is not stuck', () => {
    const a = seededRandom(1)(64);
    const b = seededRandom(2)(64);
    expect(a).not.toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(40);
  });

  it('looks uniform through randomUnit: 10,000 draws fill ten bins evenly', () => {
    const random = seededRandom(7);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const u = randomUnit(random);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      bins[Math.floor(u * 10)]!++;
    }
    for (const n of bins) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });
});
