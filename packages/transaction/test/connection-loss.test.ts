import { createResponse, type SipMessage, type SipRequest } from '@sipkit/parser';
import { type Endpoint, VirtualClock } from '@sipkit/transport';
import { TcpTransport } from '@sipkit/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { isLocalResponse, TransactionLayer } from '../src/index.js';
import { counterRandom } from './fake-network.js';
import { makeRequest, PEER, setup } from './helpers.js';
import { loopbackTcp, until } from './loopback-tcp.js';

const OTHER = { host: '192.0.2.30', port: 5080 };

/** A layer over a fake transport with a connection per peer (TCP), as StreamTransport reports. */
function perPeer() {
  const env = setup('TCP');
  env.transport.connectionEvents = true;
  const toPeer = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
  const toOther = env.layer.request(makeRequest('OPTIONS'), { target: OTHER });
  const toMain = env.layer.request(makeRequest('OPTIONS'));
  env.clock.advance(100);
  return { ...env, toPeer, toOther, toMain };
}

describe('RFC 3261 section 17.1.4 with a connection per peer (TCP, TLS)', () => {
  it('a lost connection ends exactly the transactions sent over it, by any address it was reached by', async () => {
    const env = perPeer();
    // Reached by PEER's address and by a name that resolved to it.
    env.transport.emit('connectionClosed', [{ host: 'peer.example', port: 5070 }, PEER], false);
    const final = await env.toPeer.final;
    expect(final.status).toBe(503);
    expect(isLocalResponse(final)).toBe(true);
    expect(env.toPeer.failure?.message).toContain('the connection to peer.example:5070 closed');
    expect(env.toOther.state).toBe('trying');
    expect(env.toMain.state).toBe('trying');
    expect(env.layer.clientCount).toBe(2);
  });

  it('the main connection going down ends what was sent without a target, not what went elsewhere', async () => {
    const env = perPeer();
    const error = new Error('connection to the proxy closed');
    env.transport.emit('connectionClosed', [{ host: '198.51.100.1', port: 5060 }], true, error);
    env.transport.setState('disconnected', error);
    expect((await env.toMain.final).status).toBe(503);
    expect(env.toMain.failure?.message).toContain('connection to the proxy closed');
    expect(env.toPeer.state).toBe('trying');
    expect(env.toOther.state).toBe('trying');
  });

  it('an IPv6 target matches with or without brackets and in any letter case', async () => {
    const env = setup('TCP');
    env.transport.connectionEvents = true;
    const tx = env.layer.request(makeRequest('OPTIONS'), { target: { host: '[2001:DB8::7]', port: 5060 } });
    env.transport.emit('connectionClosed', [{ host: '2001:db8::7', port: 5060 }], false);
    expect((await tx.final).status).toBe(503);
  });

  it('the transport closing ends every transaction, as before', async () => {
    const env = perPeer();
    env.transport.setState('closed');
    const finals = await Promise.all([env.toPeer.final, env.toOther.final, env.toMain.final]);
    expect(finals.map((r) => r.status)).toEqual([503, 503, 503]);
  });

  it('a transport with one connection (WebSocket) that goes down still ends every transaction', async () => {
    const env = perPeer();
    env.transport.connectionEvents = undefined;
    env.transport.setState('disconnected', new Error('WebSocket closed 1006'));
    const finals = await Promise.all([env.toPeer.final, env.toOther.final, env.toMain.final]);
    expect(finals.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(env.clock.pending).toBe(0);
  });
});

describe('over loopback TCP', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const listening = () => loopbackTcp(cleanups, true);

  it('a peer that drops its connection fails only the transaction sent to it, at once', async () => {
    const proxy = await listening();
    const other = await listening();
    const seen: SipMessage[] = [];
    proxy.on('message', (m) => seen.push(m));
    other.on('message', (m) => seen.push(m));
    const client = new TcpTransport({ host: '127.0.0.1', remote: proxy.local });
    cleanups.push(() => client.close());
    await client.connect();
    const clock = new VirtualClock();
    const layer = new TransactionLayer({ transport: client, clock, random: counterRandom() });
    cleanups.push(() => layer.close());
    const viaProxy = layer.request(makeRequest('OPTIONS'));
    const toOther = layer.request(makeRequest('OPTIONS'), { target: other.local as Endpoint });
    await until(() => seen.length === 2);
    await other.close();
    const final = await toOther.final;
    expect(final.status).toBe(503);
    expect(clock.now()).toBe(0);
    expect(viaProxy.state).toBe('trying');
    // The proxy's connection is still there: its answer completes the other transaction.
    const request = seen.find((m) => m.kind === 'request' && m.callId === viaProxy.request.callId)!;
    await proxy.send(createResponse(request as SipRequest, 200, { toTag: 'p' }), client.local);
    expect((await viaProxy.final).status).toBe(200);
  });
});
