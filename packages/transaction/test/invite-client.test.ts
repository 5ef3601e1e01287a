import type { SipRequest, SipResponse } from '@sipkit/parser';
import { createResponse } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import { type InviteClientTransaction, isLocalResponse, TransactionTimeoutError } from '../src/index.js';
import { makeRequest, PEER, sendTimes, setup, UA } from './helpers.js';

const isInvite = (l: string) => l.startsWith('INVITE ');
const isAck = (l: string) => l.startsWith('ACK ');

function invite(env: ReturnType<typeof setup>): InviteClientTransaction {
  const tx = env.layer.request(makeRequest('INVITE'), { target: PEER });
  if (tx.kind !== 'invite-client') throw new Error('expected INVITE client transaction');
  return tx;
}

/** Makes the raw peer answer every INVITE it receives with `status`, with a To tag. */
function answerWith(env: ReturnType<typeof setup>, status: number, onlyFirst = false) {
  let answered = 0;
  env.peer.on('message', (m) => {
    if (m.kind !== 'request' || m.method !== 'INVITE') return;
    if (onlyFirst && answered > 0) return;
    answered++;
    void env.peer.send(createResponse(m as SipRequest, status, { toTag: 'peer' }), UA);
  });
}

describe('InviteClientTransaction timers', () => {
  it('retransmits on Timer A doubling without cap, then Timer B reports a synthetic 408', async () => {
    const env = setup();
    const tx = invite(env);
    const states: string[] = [];
    tx.on('state', (s) => states.push(s));
    env.clock.advance(40_000);
    // A: 500, 1000, 2000, 4000, 8000, 16000 -> sends at 0, .5, 1.5, 3.5, 7.5, 15.5, 31.5 s; B at 32 s.
    expect(sendTimes(env.net, UA, isInvite)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    const final = await tx.final;
    expect(final.status).toBe(408);
    expect(isLocalResponse(final)).toBe(true);
    expect(tx.failure).toBeInstanceOf(TransactionTimeoutError);
    expect(tx.failure?.code).toBe('TIMEOUT');
    expect(states).toEqual(['terminated']);
    expect(env.layer.clientCount).toBe(0);
  });

  it('uses configured T1 for A and B', async () => {
    const env = setup('UDP', { timers: { t1: 100 } });
    const tx = invite(env);
    env.clock.advance(10_000);
    expect(sendTimes(env.net, UA, isInvite)).toEqual([0, 100, 300, 700, 1500, 3100, 6300]);
    expect((await tx.final).status).toBe(408);
    expect(env.layer.timers.B).toBe(6400);
  });

  it('does not retransmit over a reliable transport and still times out on B', async () => {
    const env = setup('TCP');
    const tx = invite(env);
    env.clock.advance(31_999);
    expect(tx.state).toBe('calling');
    env.clock.advance(1);
    expect(sendTimes(env.net, UA, isInvite)).toEqual([0]);
    expect((await tx.final).status).toBe(408);
  });

  it('a provisional stops retransmissions and Timer B; the TU sees it', () => {
    const env = setup();
    const tx = invite(env);
    const seen: number[] = [];
    tx.on('response', (r) => seen.push(r.status));
    // The peer is slow: only the retransmission at 500 ms gets a 180 (arriving at 510 ms).
    let n = 0;
    env.peer.on('message', (m) => {
      if (m.kind === 'request' && ++n === 2) void env.peer.send(createResponse(m, 180, { toTag: 'p' }), UA);
    });
    env.clock.advance(509);
    expect(tx.state).toBe('calling');
    env.clock.advance(1);
    expect(tx.state).toBe('proceeding');
    env.clock.advance(60_000);
    expect(sendTimes(env.net, UA, isInvite)).toEqual([0, 500]);
    expect(tx.state).toBe('proceeding');
    expect(seen).toEqual([180]);
  });

  it('acknowledges a 486 itself, absorbs its retransmissions with the same ACK, ends after Timer D', async () => {
    const env = setup();
    const tx = invite(env);
    const seen: number[] = [];
    tx.on('response', (r) => seen.push(r.status));
    let final: SipResponse | undefined;
    env.peer.on('message', (m) => {
      if (m.kind === 'request' && m.method === 'INVITE') {
        final = createResponse(m, 486, { toTag: 'busy' });
        void env.peer.send(final, UA);
      }
    });
    env.clock.advance(20);
    expect(tx.state).toBe('completed');
    expect((await tx.final).status).toBe(486);
    // The server retransmits its final response twice (its ACK was "lost").
    void env.peer.send(final!, UA);
    env.clock.advance(1000);
    void env.peer.send(final!, UA);
    env.clock.advance(1000);
    const acks = env.net.sentBy(UA).filter((p) => p.message.kind === 'request' && p.message.method === 'ACK');
    expect(acks).toHaveLength(3);
    const ack = acks[0]!.message as SipRequest;
    expect(ack.to?.tag).toBe('busy');
    expect(ack.cseq?.toString()).toBe('1 ACK');
    expect(ack.topVia?.branch).toBe(tx.request.topVia?.branch);
    expect(ack.via).toHaveLength(1);
    expect(new Set(acks.map((p) => new TextDecoder().decode(p.bytes))).size).toBe(1);
    expect(seen).toEqual([486]);
    // Timer D is 32 s on UDP, counted from the first 486 (arrived at 10 ms).
    env.clock.advance(32_010 - env.clock.now() - 1);
    expect(tx.state).toBe('completed');
    env.clock.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('Timer D is zero on a reliable transport', () => {
    const env = setup('TCP');
    const tx = invite(env);
    answerWith(env, 404);
    env.clock.advance(10);
    expect(tx.state).toBe('terminated');
    expect(sendTimes(env.net, UA, isAck)).toEqual([5 + 5]);
  });

  it('a 2xx moves to Accepted; later 2xx (other forks, retransmissions) reach the TU until Timer M', () => {
    const env = setup();
    const tx = invite(env);
    const seen: string[] = [];
    tx.on('response', (r) => seen.push(`${r.status}:${r.to?.tag}`));
    let ok: SipResponse | undefined;
    env.peer.on('message', (m) => {
      if (m.kind === 'request' && m.method === 'INVITE' && !ok) {
        ok = createResponse(m, 200, { toTag: 'fork1' });
        void env.peer.send(ok, UA);
      }
    });
    env.clock.advance(10);
    expect(tx.state).toBe('accepted');
    void env.peer.send(ok!, UA);
    env.clock.advance(10);
    expect(seen).toEqual(['200:fork1', '200:fork1']);
    // No ACK from the transaction for a 2xx, and no more INVITE retransmissions.
    env.clock.advance(10_000);
    expect(sendTimes(env.net, UA, isAck)).toEqual([]);
    expect(sendTimes(env.net, UA, isInvite)).toEqual([0]);
    // Timer M = 64*T1 from the 2xx at 10 ms.
    env.clock.advance(32_010 - env.clock.now() - 1);
    expect(tx.state).toBe('accepted');
    env.clock.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('a transport error is reported as a synthetic 503', async () => {
    const env = setup();
    env.transport.failWith = new Error('network unreachable');
    const tx = invite(env);
    const final = await tx.final;
    expect(final.status).toBe(503);
    expect(isLocalResponse(final)).toBe(true);
    expect(tx.failure?.code).toBe('TRANSPORT');
    expect(tx.state).toBe('terminated');
    expect(env.clock.pending).toBe(0);
  });

  it('recovers when the INVITE and the first final response are lost', async () => {
    const env = setup();
    // Drop the first INVITE and the first 486 on the wire.
    const dropped = new Set<string>();
    env.net.loss = (p) => {
      const line = new TextDecoder().decode(p.bytes).split('\r\n')[0]!;
      const kind = line.startsWith('INVITE') ? 'invite' : line.includes(' 486 ') ? 'final' : 'other';
      if (kind === 'other' || dropped.has(kind)) return false;
      dropped.add(kind);
      return true;
    };
    const tx = invite(env);
    // The peer acts as a proper server: resends its 486 when the INVITE is retransmitted.
    env.peer.on('message', (m) => {
      if (m.kind === 'request' && m.method === 'INVITE')
        void env.peer.send(createResponse(m, 486, { toTag: 't' }), UA);
    });
    env.clock.advance(3000);
    expect((await tx.final).status).toBe(486);
    // INVITE at 0 (lost), 500 (486 lost), 1500 (486 arrives, ACK sent).
    expect(sendTimes(env.net, UA, isInvite)).toEqual([0, 500, 1500]);
    expect(sendTimes(env.net, UA, isAck)).toEqual([1510]);
  });
});
