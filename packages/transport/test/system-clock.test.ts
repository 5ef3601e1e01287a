import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/clock.js';

// The platform timers are faked (vitest's fake timers, performance.now included): nothing waits.
describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const DAY = 86_400_000;

  it('fires a delay longer than 2^31-1 ms (30 days) at its time, not at once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const fn = vi.fn();
    systemClock.setTimeout(fn, 30 * DAY);
    vi.advanceTimersByTime(1_000);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * DAY - 2_000);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60 * DAY);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('cancels a long delay in any of its steps', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const fn = vi.fn();
    const handle = systemClock.setTimeout(fn, 60 * DAY);
    vi.advanceTimersByTime(40 * DAY);
    systemClock.clearTimeout(handle);
    vi.advanceTimersByTime(40 * DAY);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps short delays as plain platform timers', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const fn = vi.fn();
    const handle = systemClock.setTimeout(fn, 500);
    vi.advanceTimersByTime(499);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    systemClock.clearTimeout(systemClock.setTimeout(fn, 10));
    systemClock.clearTimeout(handle);
    vi.advanceTimersByTime(100);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
