import { ServerPool } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';
import { scriptedRandom } from './helpers.js';

describe('ServerPool', () => {
  it('picks the highest weight first', () => {
    const pool = new ServerPool(
      [
        { server: 'a', weight: 1 },
        { server: 'b', weight: 5 },
        { server: 'c', weight: 3 },
      ],
      scriptedRandom([0]),
    );
    expect(pool.pick()).toBe('b');
    pool.markFailed('b');
    expect(pool.pick()).toBe('c');
    pool.markFailed('c');
    expect(pool.pick()).toBe('a');
  });

  it('chooses among equal weights with the random source', () => {
    const servers = [
      { server: 'x', weight: 2 },
      { server: 'y', weight: 2 },
      { server: 'z', weight: 2 },
      { server: 'low', weight: 1 },
    ];
    expect(new ServerPool(servers, scriptedRandom([0])).pick()).toBe('x');
    expect(new ServerPool(servers, scriptedRandom([0.4])).pick()).toBe('y');
    expect(new ServerPool(servers, scriptedRandom([0.9])).pick()).toBe('z');
  });

  it('treats plain entries as weight 0 and never draws for a single candidate', () => {
    const r = scriptedRandom([0.5]);
    const pool = new ServerPool(['only', { server: 'heavy', weight: 1 }], r);
    expect(pool.pick()).toBe('heavy');
    expect(r.draws).toBe(0);
  });

  it('makes every server available again when all have failed', () => {
    const pool = new ServerPool([{ server: 'a', weight: 2 }, 'b'], scriptedRandom([0]));
    pool.markFailed('a');
    pool.markFailed('b');
    expect(pool.hasAvailable).toBe(false);
    expect(pool.pick()).toBe('a');
    expect(pool.hasAvailable).toBe(true);
  });

  it('markOk brings one server back', () => {
    const pool = new ServerPool([{ server: 'a', weight: 2 }, 'b']);
    pool.markFailed('a');
    expect(pool.pick()).toBe('b');
    pool.markOk('a');
    expect(pool.pick()).toBe('a');
  });

  it('returns undefined when empty', () => {
    expect(new ServerPool([]).pick()).toBeUndefined();
  });
});
