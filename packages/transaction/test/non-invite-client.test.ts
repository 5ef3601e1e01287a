import type { SipRequest } from '@sipkit/parser';
import { createResponse } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import { isLocalResponse, type NonInviteClientTransaction } from '../src/index.js';
import { makeRequest, PEER, sendTimes, setup, UA } from './helpers.js';

const isOptions = (l: string) => l.startsWith('OPTIONS ');

function options(env: ReturnType<typeof setup>): NonInviteClientTransaction {
  const tx = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
  if (tx.kind !== 'non-invite-client') throw new Error('expected non-INVITE client transaction');
  return tx;
}

describe('NonInviteClientTransaction timers', () => {
  it('Timer E doubles up to T2, Timer F reports a synthetic 408 at 64*T1', async () => {
    const env = setup();
    const tx = options(env);
    env.clock.advance(40_000);
    expect(sendTimes(env.net, UA, isOptions)).toEqual([
      0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500,
    ]);
    const final = await tx.final;
    expect(final.status).toBe(408);
    expect(final.reason).toBe('Request Timeout');
    expect(isLocalResponse(final)).toBe(true);
    expect(tx.failure?.code).toBe('TIMEOUT');
    expect(tx.state).toBe('terminated');
  });

  it('honours a custom T2 cap', () => {
    const env = setup('UDP', { timers: { t1: 500, t2: 2000 } });
    options(env);
    env.clock.advance(8_000);
    expect(sendTimes(env.net, UA, isOptions)).toEqual([0, 500, 1500, 3500, 5500, 7500]);
  });

  it('in Proceeding retransmits every T2', () => {
    const env = setup();
    const tx = options(env);
    let n = 0;
    env.peer.on('message', (m) => {
      // Answer the retransmission at 1500 ms with 100 Trying (arrives at 1510 ms).
      if (m.kind === 'request' && ++n === 3) void env.peer.send(createResponse(m as SipRequest, 100), UA);
    });
    env.clock.advance(20_000);
    expect(tx.state).toBe('proceeding');
    // E was armed for 3500 before the 100 came; from then on every 4000 ms.
    expect(sendTimes(env.net, UA, isOptions)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500]);
  });

  it('absorbs response retransmissions in Completed until Timer K (T4)', async () => {
    const env = setup();
    const tx = options(env);
    const seen: number[] = [];
    tx.on('response', (r) => seen.push(r.status));
    env.peer.on('message', (m) => {
      if (m.kind !== 'request') return;
      const ok = createResponse(m, 200, { toTag: 'x' });
      void env.peer.send(ok, UA);
      void env.peer.send(ok, UA);
    });
    env.clock.advance(10);
    expect(tx.state).toBe('completed');
    expect((await tx.final).status).toBe(200);
    expect(seen).toEqual([200]);
    env.clock.advance(4999);
    expect(tx.state).toBe('completed');
    env.clock.advance(1);
    expect(tx.state).toBe('terminated');
    expect(sendTimes(env.net, UA, isOptions)).toEqual([0]);
  });

  it('over a reliable transport sends once and Timer K is zero', () => {
    const env = setup('TCP');
    const tx = options(env);
    env.peer.on('message', (m) => {
      if (m.kind === 'request') void env.peer.send(createResponse(m, 404, { toTag: 'x' }), UA);
    });
    env.clock.advance(10);
    expect(tx.state).toBe('terminated');
    expect(sendTimes(env.net, UA, isOptions)).toEqual([0]);
  });

  it('over a reliable transport still times out on Timer F without retransmitting', async () => {
    const env = setup('TCP');
    const tx = options(env);
    env.clock.advance(32_000);
    expect((await tx.final).status).toBe(408);
    expect(sendTimes(env.net, UA, isOptions)).toEqual([0]);
  });

  it('reports a transport error as a synthetic 503', async () => {
    const env = setup();
    env.transport.failWith = new Error('EHOSTUNREACH');
    const tx = options(env);
    const final = await tx.final;
    expect(final.status).toBe(503);
    expect(isLocalResponse(final)).toBe(true);
    expect(tx.failure?.name).toBe('TransactionTransportError');
    expect(env.layer.clientCount).toBe(0);
  });

  it('treats a transport that throws instead of rejecting as a transport error: 503, removed', async () => {
    const env = setup();
    env.transport.send = () => {
      throw new Error('sync boom');
    };
    const tx = options(env);
    const final = await tx.final;
    expect(final.status).toBe(503);
    expect(isLocalResponse(final)).toBe(true);
    expect(tx.failure?.message).toContain('sync boom');
    expect(tx.state).toBe('terminated');
    expect(env.layer.clientCount).toBe(0);
    expect(env.clock.pending).toBe(0);
  });

  it('a connection that goes down ends the transactions waiting on it with 503 at once, not at Timer F', async () => {
    // RFC 3261 section 17.1.4: no response can come back on a connection that is gone.
    const env = setup('TCP');
    const waiting = options(env);
    const done = options(env);
    env.peer.on('message', (m) => {
      if (m.kind === 'request' && m.callId === done.request.callId)
        void env.peer.send(createResponse(m, 200, { toTag: 'x' }), UA);
    });
    env.clock.advance(100);
    expect((await done.final).status).toBe(200);
    env.transport.setState('disconnected', new Error('WebSocket closed 1006'));
    const final = await waiting.final;
    expect(final.status).toBe(503);
    expect(isLocalResponse(final)).toBe(true);
    expect(waiting.failure?.code).toBe('TRANSPORT');
    expect(waiting.failure?.message).toContain('WebSocket closed 1006');
    expect(env.clock.now()).toBe(100);
    expect(env.layer.clientCount).toBe(0);
    expect(env.clock.pending).toBe(0);
  });

  it('a transport error on a retransmission also ends the transaction with 503', async () => {
    const env = setup();
    const tx = options(env);
    env.clock.advance(100);
    env.transport.failWith = new Error('socket closed');
    env.clock.advance(500);
    expect((await tx.final).status).toBe(503);
    expect(tx.state).toBe('terminated');
  });
});
