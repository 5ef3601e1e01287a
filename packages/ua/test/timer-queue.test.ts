import { VirtualClock } from '@sipkit/transport';
import { describe, expect, test } from 'vitest';
import { TimerQueue } from '../src/index.js';

describe('TimerQueue', () => {
  test('runs its timers in time order, ties in creation order, on one timer of the base clock', () => {
    const base = new VirtualClock();
    const q = new TimerQueue(base);
    const fired: string[] = [];
    for (const [name, ms] of [
      ['c', 30],
      ['a', 10],
      ['b1', 20],
      ['b2', 20],
      ['d', 40],
    ] as const)
      q.setTimeout(() => fired.push(`${name}@${base.now()}`), ms);
    expect(q.pending).toBe(5);
    expect(base.pending).toBe(1);
    base.advance(25);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20']);
    expect(base.pending).toBe(1);
    base.advance(100);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30', 'd@40']);
    expect(q.pending).toBe(0);
    expect(base.pending).toBe(0);
  });

  test('clearTimeout removes a timer (the first one too) and re-arms the base clock', () => {
    const base = new VirtualClock();
    const q = new TimerQueue(base);
    const fired: number[] = [];
    const handles = [50, 10, 30, 20, 40].map((ms) => q.setTimeout(() => fired.push(ms), ms));
    q.clearTimeout(handles[1]); // 10, the earliest
    q.clearTimeout(handles[2]); // 30
    q.clearTimeout(handles[2]); // twice: ignored
    q.clearTimeout(undefined);
    expect(q.pending).toBe(3);
    base.advance(100);
    expect(fired).toEqual([20, 40, 50]);
    const last = q.setTimeout(() => fired.push(0), 5);
    q.clearTimeout(last);
    expect(base.pending).toBe(0);
  });

  test('timers set while firing run in order, at once when already due', () => {
    const base = new VirtualClock();
    const q = new TimerQueue(base);
    const fired: string[] = [];
    q.setTimeout(() => {
      fired.push('outer');
      q.setTimeout(() => fired.push('now'), 0);
      q.setTimeout(() => fired.push('later'), 15);
    }, 10);
    q.setTimeout(() => fired.push('second'), 10);
    base.advance(10);
    expect(fired).toEqual(['outer', 'second', 'now']);
    base.advance(15);
    expect(fired).toEqual(['outer', 'second', 'now', 'later']);
  });

  test('a throwing timer does not lose the others', () => {
    const base = new VirtualClock();
    const q = new TimerQueue(base);
    const fired: number[] = [];
    q.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    q.setTimeout(() => fired.push(20), 20);
    expect(() => base.advance(10)).toThrow('boom');
    base.advance(20);
    expect(fired).toEqual([20]);
  });
});
