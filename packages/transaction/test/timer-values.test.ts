import { createResponse, type SipResponse } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMER_SETTINGS, timerValues } from '../src/index.js';
import { lines, makeRequest, PEER, rawRequest, recordingUser, setup, UA } from './helpers.js';

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

describe('a T4 override through the layer', () => {
  it('sets Timer K and Timer I to T4', () => {
    const { layer } = setup('UDP', { timers: { t4: 1234 } });
    expect([layer.timers.K, layer.timers.I]).toEqual([1234, 1234]);
    // T1-derived timers keep their defaults.
    expect([layer.timers.E, layer.timers.F, layer.timers.T2]).toEqual([500, 32_000, 4000]);
  });

  it('a non-INVITE client leaves Completed after T4', async () => {
    const env = setup('UDP', { timers: { t4: 1234 } });
    const tx = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
    env.peer.on('message', (m) => {
      if (m.kind === 'request') void env.peer.send(createResponse(m, 200, { toTag: 'x' }), UA);
    });
    env.clock.advance(10);
    expect((await tx.final).status).toBe(200);
    env.clock.advance(1233);
    expect(tx.state).toBe('completed');
    env.clock.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('an INVITE server leaves Confirmed after T4', () => {
    const env = setup('UDP', { timers: { t4: 1234 } });
    const user = recordingUser();
    env.layer.user = user;
    env.peer.sendText(rawRequest('INVITE'), UA);
    env.clock.advance(5);
    const [tx, req] = user.requests[0]!;
    tx.respond(createResponse(req, 486, { toTag: 'busy' }));
    env.peer.sendText(rawRequest('ACK', { cseqMethod: 'ACK', toTag: 'busy' }), UA);
    env.clock.advance(5);
    expect(tx.state).toBe('confirmed');
    env.clock.advance(1233);
    expect(tx.state).toBe('confirmed');
    env.clock.advance(1);
    expect(tx.state).toBe('terminated');
  });
});

describe('a transport that changes kind (failover between WSS and UDP)', () => {
  /** A layer whose transport's `reliable` the test flips, as ReconnectingTransport's follows its connection. */
  function flipping(options: Parameters<typeof setup>[1] = {}) {
    const env = setup('UDP', options);
    let reliable = false;
    Object.defineProperty(env.transport, 'reliable', { get: () => reliable });
    env.peer.on('message', (m) => {
      if (m.kind === 'request') void env.peer.send(createResponse(m, 404, { toTag: 'x' }), UA);
    });
    return { ...env, setReliable: (r: boolean) => (reliable = r) };
  }

  for (const own of [false, true]) {
    it(`each transaction takes the timers of the transport at its start (${own ? 'own' : 'default'} table)`, () => {
      const env = flipping(own ? { timers: { t4: 4000 } } : {});
      const udp = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
      expect(env.layer.timers.K).toBe(own ? 4000 : 5000);
      env.setReliable(true);
      expect(env.layer.timers.K).toBe(0);
      const stream = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
      env.clock.advance(10);
      // Started reliable: K is zero, and nothing was retransmitted.
      expect(stream.state).toBe('terminated');
      // Started unreliable: still absorbs retransmissions for K.
      expect(udp.state).toBe('completed');
      env.setReliable(false);
      const back = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
      env.clock.advance(10);
      expect(back.state).toBe('completed');
      expect(lines(env.net, UA).filter(([, l]) => l.startsWith('OPTIONS'))).toHaveLength(3);
      env.clock.advance(own ? 4000 : 5000);
      expect([udp.state, back.state]).toEqual(['terminated', 'terminated']);
    });
  }

  it('a server transaction too: Timer J is zero once the transport is reliable', () => {
    const env = flipping();
    const user = recordingUser();
    env.layer.user = user;
    env.setReliable(true);
    env.peer.sendText(rawRequest('OPTIONS'), UA);
    env.clock.advance(5);
    const [tx, req] = user.requests[0]!;
    tx.respond(createResponse(req, 200, { toTag: 'x' }) as SipResponse);
    env.clock.advance(0);
    expect(tx.state).toBe('terminated');
  });
});
