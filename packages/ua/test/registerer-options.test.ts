import { fromJsSIP, fromPjsip } from '@sipkit/config';
import { type CoreRegistererOptions, sipkitProfile } from '@sipkit/registerer/core';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, test } from 'vitest';
import { buildRegistererOptions } from '../src/registerer-options.js';

const config = fromJsSIP({
  uri: 'sip:alice@example.test',
  password: 'secret',
  sockets: ['wss://edge.example.test'],
  register_expires: 300,
});

/** The ports one stack gives its user agents (each call: another stack). */
function stackPorts() {
  return {
    clock: new VirtualClock(),
    random: (n: number) => new Uint8Array(n),
    sender: {
      send: () => Promise.reject(new Error('not sent')),
      local: { transport: 'ws' as const, host: '127.0.0.1', port: 5060 },
    },
    logger: undefined,
    profile: sipkitProfile,
  };
}

const userPorts = () => ({ authenticator: {} as never, observer: {} as never });
const own = (o: CoreRegistererOptions) => Object.keys(o).sort();

describe('registerer options of many user agents', () => {
  test('on one shared stack share everything but the AOR, authenticator and observer', () => {
    const stack = stackPorts();
    const a = buildRegistererOptions(config, { ...stack, ...userPorts() }, true);
    const b = buildRegistererOptions(config, { ...stack, ...userPorts() }, true);
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
    expect(own(a)).toEqual(['aor', 'authenticator', 'observer']);
    expect(a.sender).toBe(stack.sender);
    expect(a.expires).toBe(300);
  });

  test('with a stack each keep their own ports and still share the rest', () => {
    const one = stackPorts();
    const two = stackPorts();
    const a = buildRegistererOptions(config, { ...one, ...userPorts() }, false);
    const b = buildRegistererOptions(config, { ...two, ...userPorts() }, false);
    // One prototype for both: a prototype per user agent costs V8 a dictionary and hidden classes.
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
    expect(own(a)).toEqual(['aor', 'authenticator', 'clock', 'logger', 'observer', 'random', 'sender']);
    expect([a.sender, a.clock, a.random]).toEqual([one.sender, one.clock, one.random]);
    expect([b.sender, b.clock, b.random]).toEqual([two.sender, two.clock, two.random]);
    expect(a.sender).not.toBe(b.sender);
    expect([a.expires, b.expires]).toEqual([300, 300]);
    expect(a.profile).toBe(sipkitProfile);
  });

  test("carry a pjsip.conf registration's User-Agent override and the global one for pjsip's own resends", () => {
    const pjsip = fromPjsip(
      [
        '[global]',
        'type=global',
        'user_agent=PBX 1',
        '[r]',
        'type=registration',
        'server_uri=sip:pbx.example.test',
        'client_uri=sip:alice@pbx.example.test',
        'user_agent=Branch office',
      ].join('\n'),
    );
    const o = buildRegistererOptions(pjsip, { ...stackPorts(), ...userPorts() }, false);
    expect([o.userAgent, o.bareUserAgent]).toEqual(['Branch office', 'PBX 1']);
  });
});
