import { createResponse } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import type { NonInviteServerTransaction } from '../src/index.js';
import { lines, rawRequest, recordingUser, setup, UA } from './helpers.js';

function serverSetup(protocol: 'UDP' | 'TCP' = 'UDP') {
  const env = setup(protocol);
  const user = recordingUser();
  env.layer.user = user;
  const text = rawRequest('OPTIONS');
  env.peer.sendText(text, UA);
  env.clock.advance(5);
  const [tx, request] = user.requests[0]!;
  if (tx.kind !== 'non-invite-server') throw new Error('expected non-INVITE server transaction');
  return { ...env, user, text, tx: tx as NonInviteServerTransaction, request };
}

describe('NonInviteServerTransaction', () => {
  it('absorbs retransmissions in Trying without answering or telling the TU', () => {
    const env = serverSetup();
    env.peer.sendText(env.text, UA);
    env.peer.sendText(env.text, UA);
    env.clock.advance(10);
    expect(env.user.requests).toHaveLength(1);
    expect(lines(env.net, UA)).toEqual([]);
    expect(env.tx.state).toBe('trying');
  });

  it('resends the last provisional in Proceeding and the final in Completed', () => {
    const env = serverSetup();
    env.tx.respond(createResponse(env.request, 100));
    expect(env.tx.state).toBe('proceeding');
    env.peer.sendText(env.text, UA);
    env.clock.advance(10);
    env.tx.respond(createResponse(env.request, 200, { toTag: 'me' }));
    env.peer.sendText(env.text, UA);
    env.clock.advance(10);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual([
      'SIP/2.0 100 Trying',
      'SIP/2.0 100 Trying',
      'SIP/2.0 200 OK',
      'SIP/2.0 200 OK',
    ]);
    expect(env.user.requests).toHaveLength(1);
  });

  it('Timer J (64*T1) keeps the transaction in Completed on UDP', () => {
    const env = serverSetup();
    env.tx.respond(createResponse(env.request, 200, { toTag: 'me' }));
    env.clock.advance(31_999);
    expect(env.tx.state).toBe('completed');
    env.clock.advance(1);
    expect(env.tx.state).toBe('terminated');
    expect(env.layer.serverCount).toBe(0);
    // After J a retransmission is a new request for the TU (as RFC 3261 expects).
    env.peer.sendText(env.text, UA);
    env.clock.advance(5);
    expect(env.user.requests).toHaveLength(2);
  });

  it('Timer J is zero on a reliable transport', () => {
    const env = serverSetup('TCP');
    env.tx.respond(createResponse(env.request, 200, { toTag: 'me' }));
    env.clock.advance(0);
    expect(env.tx.state).toBe('terminated');
  });

  it('never retransmits responses on its own', () => {
    const env = serverSetup();
    env.tx.respond(createResponse(env.request, 200, { toTag: 'me' }));
    env.clock.advance(60_000);
    expect(lines(env.net, UA)).toHaveLength(1);
  });
});
