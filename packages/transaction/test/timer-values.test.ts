import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMER_SETTINGS, timerValues } from '../src/index.js';
import { setup } from './helpers.js';

describe('timer tables of transaction layers', () => {
  it('are one frozen default table per kind of transport, shared by every layer without timer options', () => {
    const [a, b] = [setup('UDP').layer, setup('UDP').layer];
    const tcp = setup('TCP').layer;
    expect(a.timers).toBe(b.timers);
    expect(Object.isFrozen(a.timers)).toBe(true);
    expect(a.timers).toEqual(timerValues(DEFAULT_TIMER_SETTINGS, false));
    expect(tcp.timers).toEqual(timerValues(DEFAULT_TIMER_SETTINGS, true));
    expect(tcp.timers).not.toEqual(a.timers);
  });

  it('are a layer’s own when it sets timers', () => {
    const own = setup('UDP', { timers: { t1: 100 } }).layer;
    expect(own.timers).not.toBe(setup('UDP').layer.timers);
    expect(own.timers.B).toBe(6400);
    expect(own.timers.D).toBe(32_000);
  });
});
