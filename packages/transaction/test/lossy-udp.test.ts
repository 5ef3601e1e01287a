import type { SipResponse } from '@sipkit/parser';
import { createResponse } from '@sipkit/parser';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';
import { inviteTransactions, isLocalResponse, TransactionLayer, type TransactionUser } from '../src/index.js';
import { counterRandom, FakeNetwork, seeded } from './fake-network.js';
import { makeRequest } from './helpers.js';

const CLIENT = { host: '198.51.100.1', port: 5060 };
const SERVER = { host: '198.51.100.2', port: 5060 };

/** Two layers on a UDP network that loses `loss` of all packets, both directions. */
function lossyPair(loss: number, seed: number) {
  const clock = new VirtualClock();
  const net = new FakeNetwork(clock, 20);
  const rnd = seeded(seed);
  net.loss = () => rnd() < loss;
  const client = new TransactionLayer({
    transport: net.transport(CLIENT),
    clock,
    random: counterRandom(),
    invite: inviteTransactions,
  });
  const failures: unknown[] = [];
  // A server TU that answers like a registrar would: 200 to OPTIONS, 401 to REGISTER, 486 to INVITE.
  const tu: TransactionUser = {
    onRequest(tx, req) {
      const status = req.method === 'OPTIONS' ? 200 : req.method === 'REGISTER' ? 401 : 486;
      tx.respond(createResponse(req, status, { toTag: `srv${req.cseq?.seq}` }));
    },
    onServerFailure: (_tx, e) => failures.push(e),
  };
  const server = new TransactionLayer({
    transport: net.transport(SERVER),
    clock,
    random: counterRandom(),
    user: tu,
    invite: inviteTransactions,
  });
  return { clock, net, client, server, failures };
}

describe('retransmission timers recover transactions over lossy UDP', () => {
  it('at 20 % loss every OPTIONS, REGISTER and INVITE gets its real final response', async () => {
    const env = lossyPair(0.2, 4475);
    const results: Promise<SipResponse>[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 60; i++) {
      const method = ['OPTIONS', 'REGISTER', 'INVITE'][i % 3]!;
      expected.push(method === 'OPTIONS' ? 200 : method === 'REGISTER' ? 401 : 486);
      const req = makeRequest(method);
      req.headers.set('CSeq', `${i + 1} ${method}`);
      results.push(env.client.request(req, { target: SERVER }).final);
    }
    // Bounded: 64*T1 plus Timer D covers every transaction's life.
    env.clock.advance(70_000);
    const finals = await Promise.all(results);
    expect(finals.map((r) => r.status)).toEqual(expected);
    expect(finals.some(isLocalResponse)).toBe(false);
    const dropped = env.net.log.filter((p) => p.dropped).length;
    expect(dropped / env.net.log.length).toBeGreaterThan(0.15);
    expect(dropped / env.net.log.length).toBeLessThan(0.25);
    // Loss was actually repaired by retransmissions, not luck.
    const requestsSent = env.net.sentBy(CLIENT).filter((p) => p.message.kind === 'request').length;
    expect(requestsSent).toBeGreaterThan(60 + 20); // 60 requests plus ACKs plus retransmissions
    expect(env.failures).toEqual([]);
    expect(env.client.clientCount).toBe(0);
    expect(env.server.serverCount).toBe(0);
  });

  it('with every packet lost the client reports 408 after Timer B/F and nothing leaks', async () => {
    const env = lossyPair(1, 1);
    const a = env.client.request(makeRequest('OPTIONS'), { target: SERVER });
    const b = env.client.request(makeRequest('INVITE'), { target: SERVER });
    env.clock.advance(33_000);
    expect((await a.final).status).toBe(408);
    expect((await b.final).status).toBe(408);
    expect(env.clock.pending).toBe(0);
  });

  it('a lost ACK makes the server retransmit its final until the client ACKs again', () => {
    const env = lossyPair(0, 1);
    let ackDropped = false;
    env.net.loss = (p) => {
      if (!ackDropped && p.message.kind === 'request' && p.message.method === 'ACK') {
        ackDropped = true;
        return true;
      }
      return false;
    };
    env.client.request(makeRequest('INVITE'), { target: SERVER });
    env.clock.advance(40_000);
    const acks = env.net
      .sentBy(CLIENT)
      .filter((p) => p.message.kind === 'request' && p.message.method === 'ACK');
    const finals = env.net
      .sentBy(SERVER)
      .filter((p) => p.message.kind === 'response' && p.message.status === 486);
    expect(acks.map((p) => p.at)).toEqual([40, 540]);
    expect(finals.map((p) => p.at)).toEqual([20, 520]);
    expect(env.failures).toEqual([]);
    expect(env.server.serverCount).toBe(0);
  });
});
