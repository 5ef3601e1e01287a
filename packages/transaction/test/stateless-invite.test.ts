import type { SipResponse } from '@sipkit/parser';
import { createResponse } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import { TransactionError } from '../src/index.js';
import { makeRequest, rawRequest, recordingUser, setup, UA } from './helpers.js';

/** A layer built without the INVITE transactions, as a register-only user agent has it. */
function noInviteSetup() {
  const env = setup('UDP', { invite: undefined });
  const user = recordingUser();
  env.layer.user = user;
  const inbox = env.peer.inbox();
  return { ...env, user, inbox };
}

const responses = (inbox: { kind: string }[]) => inbox.filter((m): m is SipResponse => m.kind === 'response');

describe('a layer without INVITE transactions (RFC 3261 section 8.2.7)', () => {
  it('refuses to send an INVITE', () => {
    const env = noInviteSetup();
    expect(() => env.layer.request(makeRequest('INVITE'))).toThrow(TransactionError);
    expect(() => env.layer.request(makeRequest('INVITE'))).toThrow(/invite/);
    expect(env.layer.clientCount).toBe(0);
  });

  it('hands an INVITE to the TU statelessly: one final response, no 100 Trying, no retransmission', () => {
    const env = noInviteSetup();
    env.peer.sendText(rawRequest('INVITE'), UA);
    env.clock.advance(5);
    const [tx, request] = env.user.requests[0]!;
    expect(tx.kind).toBe('stateless-server');
    expect(tx.state).toBe('trying');
    // A stateful INVITE server would send 100 Trying at 200 ms; a stateless one sends no 1xx.
    env.clock.advance(300);
    expect(responses(env.inbox)).toEqual([]);
    tx.respond(createResponse(request, 180, { toTag: 'tu1' }));
    tx.respond(createResponse(request, 405, { toTag: 'tu1', headers: [['Allow', 'OPTIONS']] }));
    expect(tx.state).toBe('terminated');
    env.clock.advance(60_000);
    const sent = responses(env.inbox);
    expect(sent.map((r) => r.status)).toEqual([405]);
    expect(sent[0]!.headers.get('allow')).toBe('OPTIONS');
    expect(env.layer.serverCount).toBe(0);
    expect(() => tx.respond(createResponse(request, 500, { toTag: 'tu1' }))).toThrow(TransactionError);
  });

  it('answers a retransmitted INVITE again, with the same To tag whatever tag the TU drew', () => {
    const env = noInviteSetup();
    const invite = rawRequest('INVITE', { branch: 'z9hG4bKsame' });
    env.peer.sendText(invite, UA);
    env.clock.advance(5);
    env.peer.sendText(invite, UA);
    env.clock.advance(5);
    expect(env.user.requests).toHaveLength(2);
    env.user.requests.forEach(([tx, req], i) => {
      tx.respond(createResponse(req, 405, { toTag: `random${i}` }));
    });
    env.clock.advance(5);
    const tags = responses(env.inbox).map((r) => r.to?.tag);
    expect(tags).toHaveLength(2);
    expect(tags[0]).toBe(tags[1]);
    expect(tags[0]).toMatch(/^[0-9a-f]{16}$/);

    // Another INVITE (another branch) gets another tag.
    env.peer.sendText(rawRequest('INVITE', { branch: 'z9hG4bKother', callId: 'other@example.com' }), UA);
    env.clock.advance(5);
    const [tx, req] = env.user.requests[2]!;
    tx.respond(createResponse(req, 405, { toTag: 'random2' }));
    env.clock.advance(5);
    expect(responses(env.inbox)[2]!.to?.tag).not.toBe(tags[0]);
  });

  it('keeps the To tag of an INVITE inside a dialog', () => {
    const env = noInviteSetup();
    env.peer.sendText(rawRequest('INVITE', { toTag: 'dialog1' }), UA);
    env.clock.advance(5);
    const [tx, req] = env.user.requests[0]!;
    tx.respond(createResponse(req, 405, { toTag: 'ignored' }));
    env.clock.advance(5);
    expect(responses(env.inbox)[0]!.to?.tag).toBe('dialog1');
  });

  it('does not absorb the ACK of its answer, and answers a CANCEL of it with 481', () => {
    const env = noInviteSetup();
    env.peer.sendText(rawRequest('INVITE', { branch: 'z9hG4bKack' }), UA);
    env.clock.advance(5);
    const [tx, req] = env.user.requests[0]!;
    tx.respond(createResponse(req, 405, { toTag: 'x' }));
    env.peer.sendText(rawRequest('ACK', { branch: 'z9hG4bKack', cseqMethod: 'ACK' }), UA);
    env.peer.sendText(rawRequest('CANCEL', { branch: 'z9hG4bKack' }), UA);
    env.clock.advance(50);
    expect(env.user.acks).toHaveLength(1);
    expect(responses(env.inbox).map((r) => r.status)).toEqual([405, 481]);
  });

  it('answers a rejected INVITE (unsupported Require) once, statelessly', () => {
    const env = noInviteSetup();
    env.peer.sendText(rawRequest('INVITE', { extra: ['Require: foo'] }), UA);
    env.clock.advance(60_000);
    expect(responses(env.inbox).map((r) => r.status)).toEqual([420]);
    expect(env.user.requests).toHaveLength(0);
  });

  it('reports a transport failure of the answer to the TU', async () => {
    const env = noInviteSetup();
    env.peer.sendText(rawRequest('INVITE'), UA);
    env.clock.advance(5);
    const [tx, req] = env.user.requests[0]!;
    if (tx.kind !== 'stateless-server') throw new Error('expected a stateless answer');
    env.transport.failWith = new Error('gone');
    tx.respond(createResponse(req, 405, { toTag: 'x' }));
    await Promise.resolve();
    await Promise.resolve();
    expect(env.user.failures).toHaveLength(1);
    expect(tx.failure?.code).toBe('TRANSPORT');
  });
});
