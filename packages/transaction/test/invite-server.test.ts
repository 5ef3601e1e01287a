import type { SipResponse } from '@sipkit/parser';
import { createResponse } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import { type InviteServerTransaction, TransactionError } from '../src/index.js';
import { lines, PEER, rawRequest, recordingUser, setup, UA } from './helpers.js';

function serverSetup(protocol: 'UDP' | 'TCP' = 'UDP') {
  const env = setup(protocol);
  const user = recordingUser();
  env.layer.user = user;
  const inbox = env.peer.inbox();
  const invite = rawRequest('INVITE');
  env.peer.sendText(invite, UA);
  env.clock.advance(5);
  const [tx, request] = user.requests[0]!;
  if (tx.kind !== 'invite-server') throw new Error('expected INVITE server transaction');
  return { ...env, user, inbox, invite, tx: tx as InviteServerTransaction, request };
}

const statuses = (inbox: { kind: string }[]) =>
  inbox.filter((m): m is SipResponse => m.kind === 'response').map((r) => r.status);

describe('InviteServerTransaction', () => {
  it('sends 100 Trying after 200 ms when the TU is silent', () => {
    const env = serverSetup();
    env.clock.advance(199);
    expect(lines(env.net, UA)).toEqual([]);
    env.clock.advance(1);
    expect(lines(env.net, UA)).toEqual([[205, 'SIP/2.0 100 Trying']]);
    // The 100 has no To tag and goes back to the sent-by of the Via.
    const trying = env.net.sentBy(UA)[0]!;
    expect(trying.to).toEqual(PEER);
    expect((trying.message as SipResponse).to?.tag).toBeUndefined();
  });

  it('sends no 100 Trying when the TU answers within 200 ms', () => {
    const env = serverSetup();
    env.tx.respond(createResponse(env.request, 180, { toTag: 'me' }));
    env.clock.advance(1000);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual(['SIP/2.0 180 Ringing']);
  });

  it('answers a retransmitted INVITE with the last provisional and does not bother the TU', () => {
    const env = serverSetup();
    env.peer.sendText(env.invite, UA);
    env.clock.advance(10);
    expect(lines(env.net, UA)).toEqual([]); // nothing sent yet: nothing to resend
    env.tx.respond(createResponse(env.request, 180, { toTag: 'me' }));
    env.peer.sendText(env.invite, UA);
    env.clock.advance(10);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual(['SIP/2.0 180 Ringing', 'SIP/2.0 180 Ringing']);
    expect(env.user.requests).toHaveLength(1);
  });

  it('retransmits a non-2xx final on Timer G up to T2 and fails on Timer H without ACK', () => {
    const env = serverSetup();
    env.tx.respond(createResponse(env.request, 486, { toTag: 'me' }));
    expect(env.tx.state).toBe('completed');
    env.clock.advance(40_000);
    const sent = lines(env.net, UA).map(([at]) => at - 5);
    // G: 500, 1000, 2000, 4000, 4000, ... until H at 64*T1 = 32 s.
    expect(sent).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(env.tx.state).toBe('terminated');
    expect(env.tx.failure?.code).toBe('TIMEOUT');
    expect(env.user.failures).toHaveLength(1);
    expect(env.layer.serverCount).toBe(0);
  });

  it('an ACK moves Completed to Confirmed, stops G and H; Timer I (T4) absorbs ACK retransmissions', () => {
    const env = serverSetup();
    env.tx.respond(createResponse(env.request, 603, { toTag: 'me' }));
    env.clock.advance(600); // one retransmission at 500
    const ack = rawRequest('ACK', { cseqMethod: 'ACK', toTag: 'me' });
    env.peer.sendText(ack, UA);
    env.clock.advance(5);
    expect(env.tx.state).toBe('confirmed');
    env.peer.sendText(ack, UA);
    env.clock.advance(4999);
    expect(env.tx.state).toBe('confirmed');
    env.clock.advance(1);
    expect(env.tx.state).toBe('terminated');
    env.clock.advance(40_000);
    expect(lines(env.net, UA).map(([at]) => at)).toEqual([5, 505]);
    expect(statuses(env.inbox)).toEqual([603, 603]);
    expect(env.user.acks).toHaveLength(0);
    expect(env.user.failures).toHaveLength(0);
  });

  it('on a reliable transport: no G retransmissions and Timer I is zero', () => {
    const env = serverSetup('TCP');
    env.tx.respond(createResponse(env.request, 480, { toTag: 'me' }));
    env.clock.advance(5000);
    expect(lines(env.net, UA)).toHaveLength(1);
    env.peer.sendText(rawRequest('ACK', { cseqMethod: 'ACK', toTag: 'me' }), UA);
    env.clock.advance(5);
    expect(env.tx.state).toBe('terminated');
  });

  it('a 2xx moves to Accepted: INVITE retransmissions absorbed, TU 2xx retransmissions sent, ACK to TU, Timer L', () => {
    const env = serverSetup();
    const ok = createResponse(env.request, 200, { toTag: 'me' });
    env.tx.respond(ok);
    expect(env.tx.state).toBe('accepted');
    env.peer.sendText(env.invite, UA);
    env.clock.advance(10);
    expect(lines(env.net, UA)).toHaveLength(1);
    env.tx.respond(ok); // the TU (dialog layer) retransmits its 2xx through the transaction
    expect(lines(env.net, UA)).toHaveLength(2);
    // An ACK for the 2xx has its own branch; it reaches the TU.
    env.peer.sendText(rawRequest('ACK', { branch: 'z9hG4bKack2xx', cseqMethod: 'ACK', toTag: 'me' }), UA);
    env.clock.advance(5);
    expect(env.user.acks).toHaveLength(1);
    expect(() => env.tx.respond(createResponse(env.request, 500, { toTag: 'me' }))).toThrow(TransactionError);
    // Timer L = 64*T1 from the 2xx at 5 ms.
    env.clock.advance(32_005 - env.clock.now() - 1);
    expect(env.tx.state).toBe('accepted');
    env.clock.advance(1);
    expect(env.tx.state).toBe('terminated');
  });

  it('a transport error while answering is reported to the TU', () => {
    const env = serverSetup();
    env.transport.failWith = new Error('boom');
    env.tx.respond(createResponse(env.request, 180, { toTag: 'me' }));
    return Promise.resolve().then(() => {
      expect(env.tx.state).toBe('terminated');
      expect(env.tx.failure?.code).toBe('TRANSPORT');
      expect(env.user.failures).toHaveLength(1);
    });
  });

  it('a transport that throws instead of rejecting: respond() returns, the failure reaches the TU', async () => {
    const env = serverSetup();
    env.transport.send = () => {
      throw new Error('sync boom');
    };
    env.tx.respond(createResponse(env.request, 486, { toTag: 'me' }));
    await Promise.resolve();
    expect(env.tx.state).toBe('terminated');
    expect(env.tx.failure?.message).toContain('sync boom');
    expect(env.user.failures).toHaveLength(1);
    expect(env.layer.serverCount).toBe(0);
    expect(env.clock.pending).toBe(0);
  });

  it('refuses a second final response', () => {
    const env = serverSetup();
    env.tx.respond(createResponse(env.request, 404, { toTag: 'me' }));
    expect(() => env.tx.respond(createResponse(env.request, 500, { toTag: 'me' }))).toThrow(
      /cannot send 500/,
    );
  });
});
