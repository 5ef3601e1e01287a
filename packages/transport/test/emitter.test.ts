import { Emitter, type Logger } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';

interface Events {
  a: (n: number) => void;
  b: () => void;
}

describe('Emitter', () => {
  it('calls the listeners of an event in subscription order, each once however often it was added', () => {
    const e = new Emitter<Events>();
    const calls: string[] = [];
    const one = (n: number) => calls.push(`one ${n}`);
    e.on('a', one);
    e.on('a', (n) => calls.push(`two ${n}`));
    e.on('a', one);
    e.on('b', () => calls.push('b'));
    e.emit('a', 1);
    expect(calls).toEqual(['one 1', 'two 1']);
    expect(e.count('a')).toBe(2);
    expect(e.count('b')).toBe(1);
  });

  it('unsubscribes with the function on() returns, and twice is harmless', () => {
    const e = new Emitter<Events>();
    const calls: number[] = [];
    const off = e.on('a', (n) => calls.push(n));
    const offOther = e.on('a', (n) => calls.push(n * 10));
    off();
    off();
    e.emit('a', 2);
    offOther();
    e.emit('a', 3);
    expect(calls).toEqual([20]);
    expect(e.count('a')).toBe(0);
  });

  it('runs an emit over the listeners it started with, whatever they (un)subscribe meanwhile', () => {
    const e = new Emitter<Events>();
    const calls: string[] = [];
    let offSecond = () => {};
    e.on('a', (n) => {
      calls.push(`first ${n}`);
      offSecond();
      e.on('a', (m) => calls.push(`late ${m}`));
    });
    offSecond = e.on('a', (n) => calls.push(`second ${n}`));
    e.emit('a', 1);
    e.emit('a', 2);
    // The second listener was removed during the first emit but still ran in it; the late one
    // was added during it and runs from the next emit on.
    expect(calls).toEqual(['first 1', 'second 1', 'first 2', 'late 2']);
  });

  it('keeps calling the other listeners when one throws, and reports the error to the logger', () => {
    const errors: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) };
    const e = new Emitter<Events>(logger);
    const calls: string[] = [];
    e.on('b', () => {
      throw new Error('boom');
    });
    e.on('b', () => calls.push('after'));
    e.emit('b');
    expect(calls).toEqual(['after']);
    expect(errors).toEqual(['listener of "b" threw: boom']);
  });

  it('keeps subscription order when the earliest listener leaves and comes back', () => {
    const e = new Emitter<Events>();
    const calls: string[] = [];
    const one = () => calls.push('one');
    const offOne = e.on('b', one);
    e.on('a', () => calls.push('a'));
    e.on('b', () => calls.push('two'));
    offOne();
    e.emit('b');
    expect(calls).toEqual(['two']);
    // Back after the others: it runs last, and only once.
    e.on('b', one);
    e.on('b', one);
    e.emit('b');
    expect(calls).toEqual(['two', 'two', 'one']);
    expect(e.count('b')).toBe(2);
    expect(e.count('a')).toBe(1);
  });
});
