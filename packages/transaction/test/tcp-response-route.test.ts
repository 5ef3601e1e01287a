import { createResponse, type SipMessage, type SipResponse } from '@sipkit/parser';
import { type Transport, VirtualClock } from '@sipkit/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { TransactionLayer } from '../src/index.js';
import { counterRandom } from './fake-network.js';
import { recordingUser } from './helpers.js';
import { loopbackTcp, until } from './loopback-tcp.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const tcp = (listen: boolean) => loopbackTcp(cleanups, listen);

function inbox(t: Transport): SipMessage[] {
  const got: SipMessage[] = [];
  t.on('message', (m) => got.push(m));
  return got;
}

/** An OPTIONS to `server` whose Via sent-by is `listener`'s address, with `id` in branch and Call-ID. */
function options(server: Transport, listener: Transport, id: string): Uint8Array {
  const text = [
    `OPTIONS sip:x@127.0.0.1:${server.local.port} SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:${listener.local.port};branch=z9hG4bK${id}`,
    'Max-Forwards: 70',
    'From: <sip:a@example.test>;tag=1',
    'To: <sip:b@example.test>',
    `Call-ID: ${id}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return new TextEncoder().encode(text);
}

/**
 * A TCP transport listening on loopback with a transaction layer that records what it gets;
 * `targets` lists where the layer sent.
 */
async function serverLayer() {
  const server = await tcp(true);
  const targets: number[] = [];
  const send = server.send.bind(server);
  server.send = (data, target) => {
    targets.push(target?.port ?? 0);
    return send(data, target);
  };
  const user = recordingUser();
  const layer = new TransactionLayer({
    transport: server,
    clock: new VirtualClock(),
    random: counterRandom(),
    user,
  });
  cleanups.push(() => layer.close());
  return { server, user, targets };
}

describe('RFC 3261 section 18.2.2 over loopback TCP', () => {
  it('answers on a new connection to the sent-by port when the request’s connection is gone, never dialling its source', async () => {
    const { server, user, targets } = await serverLayer();
    // The client listens on its sent-by port but sends from another connection (an ephemeral port).
    const listener = await tcp(true);
    const sender = await tcp(false);
    const received = inbox(listener);
    const request = options(server, listener, 'route1');
    await sender.send(request, server.local);
    await until(() => user.requests.length === 1);
    // The connection goes away (NAT timeout, client restart) before the TU answers.
    await sender.close();
    await until(() => server.connectionCount === 0);
    const [tx, req] = user.requests[0]!;
    tx.respond(createResponse(req, 200, { toTag: 't' }));
    await until(() => received.length === 1 || user.failures.length > 0);
    expect(user.failures).toEqual([]);
    expect((received[0] as SipResponse).status).toBe(200);
    expect((received[0] as SipResponse).callId).toBe('route1');
    // The source port was ephemeral: only the sent-by port is dialled (RFC 3261 section 18.2.2).
    expect(targets).toEqual([listener.local.port]);
  });

  it('still uses the request’s connection while it is open', async () => {
    const { server, user, targets } = await serverLayer();
    const listener = await tcp(true);
    const sender = await tcp(false);
    const onSender = inbox(sender);
    const onListener = inbox(listener);
    const request = options(server, listener, 'route2');
    await sender.send(request, server.local);
    await until(() => user.requests.length === 1);
    const [tx, req] = user.requests[0]!;
    tx.respond(createResponse(req, 200, { toTag: 't' }));
    await until(() => onSender.length === 1);
    expect((onSender[0] as SipResponse).status).toBe(200);
    expect(onListener).toEqual([]);
    expect(listener.connectionCount).toBe(0);
    expect(targets).toHaveLength(1);
  });
});
