import { createResponse } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import { isLocalResponse } from '../src/index.js';
import { makeRequest, PEER, setup, UA } from './helpers.js';

describe('TransactionLayer.close()', () => {
  it('ends a client transaction still waiting with a synthetic 503, and nothing is sent afterwards', async () => {
    const env = setup();
    const tx = env.layer.request(makeRequest('REGISTER'), { target: PEER });
    env.clock.advance(100);
    env.layer.close();
    const final = await tx.final;
    expect(final.status).toBe(503);
    expect(isLocalResponse(final)).toBe(true);
    expect(tx.failure?.code).toBe('TRANSPORT');
    expect(tx.failure?.message).toContain('the transaction layer closed');
    expect(tx.state).toBe('terminated');
    expect(env.layer.clientCount).toBe(0);
    expect(env.clock.pending).toBe(0);
    const sent = env.net.sentBy(UA).length;
    env.clock.advance(64_000);
    expect(env.net.sentBy(UA)).toHaveLength(sent);
  });

  it('ends an INVITE in Proceeding too, and leaves one that had its final response as it was', async () => {
    const env = setup();
    const ringing = env.layer.request(makeRequest('INVITE'), { target: PEER });
    const answered = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
    void env.peer.send(createResponse(ringing.request, 180, { toTag: 'r' }), UA);
    void env.peer.send(createResponse(answered.request, 200, { toTag: 'o' }), UA);
    env.clock.advance(5);
    expect(ringing.state).toBe('proceeding');
    env.layer.close();
    expect((await ringing.final).status).toBe(503);
    expect((await answered.final).status).toBe(200);
    expect(answered.failure).toBeUndefined();
    expect(env.clock.pending).toBe(0);
  });

  it('refuses a request after close() instead of sending it', () => {
    const env = setup();
    env.layer.close();
    expect(() => env.layer.request(makeRequest('OPTIONS'), { target: PEER })).toThrow(
      expect.objectContaining({ name: 'TransactionError', code: 'INVALID_STATE' }),
    );
    expect(env.net.sentBy(UA)).toHaveLength(0);
    expect(env.clock.pending).toBe(0);
  });
});
