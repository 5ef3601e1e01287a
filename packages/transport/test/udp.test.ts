import type { SipRequest } from '@sipkit/parser';
import type { TraceDirection } from '@sipkit/transport';
import { UdpTransport } from '@sipkit/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent, optionsRequest } from './helpers.js';
import { bytes, nextMessage, okFor } from './sockets.js';

const open: UdpTransport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

async function udp(host = '127.0.0.1', onTrace?: (d: TraceDirection, data: Uint8Array | string) => void) {
  const t = new UdpTransport({ host, onTrace });
  open.push(t);
  await t.connect();
  return t;
}

describe.each(['127.0.0.1', '::1'])('UdpTransport on %s', (host) => {
  it('sends a request and gets the response back at the source address', async () => {
    const traced: string[] = [];
    const a = await udp(host, (d, data) =>
      traced.push(`${d} ${typeof data === 'string' ? 'text' : data.length}`),
    );
    const b = await udp(host);
    expect(a.local.port).toBeGreaterThan(0);
    expect(a.protocol).toBe('UDP');
    expect(a.reliable).toBe(false);
    const req = optionsRequest({ transport: 'UDP', host, port: a.local.port });
    const got = nextMessage(b);
    await a.send(req, b.local);
    const { msg, source } = await got;
    expect(msg.kind).toBe('request');
    expect((msg as SipRequest).method).toBe('OPTIONS');
    expect(source).toEqual({ host, port: a.local.port });
    const answer = nextMessage(a);
    await b.send(okFor(msg as SipRequest), source);
    const res = await answer;
    expect(res.msg.kind === 'response' && res.msg.status).toBe(200);
    expect(res.msg.callId).toBe(req.callId);
    expect(traced[0]).toMatch(/^out \d+$/);
    expect(traced[1]).toMatch(/^in \d+$/);
  });
});

describe('UdpTransport errors', () => {
  it('reports a datagram that does not parse and ignores CRLF keep-alives', async () => {
    const a = await udp();
    const b = await udp();
    const errors: Error[] = [];
    const messages: unknown[] = [];
    b.on('message', (m) => messages.push(m));
    const parseError = nextEvent<Error>((fn) => b.on('parseError', (e) => fn(e)));
    b.on('parseError', (e) => errors.push(e));
    await a.send(bytes('\r\n\r\n'), b.local);
    await a.send(bytes('this is not SIP\r\n\r\n'), b.local);
    expect((await parseError).name).toBe('SipParseError');
    expect(errors.length).toBe(1);
    expect(messages.length).toBe(0);
  });

  it('needs connect() and a target', async () => {
    const t = new UdpTransport();
    open.push(t);
    await expect(t.send(bytes('x'), { host: '127.0.0.1', port: 9 })).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
    });
    await t.connect();
    await expect(t.send(bytes('x'))).rejects.toMatchObject({ code: 'NO_TARGET' });
    await t.close();
    expect(t.state).toBe('closed');
    await expect(t.connect()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('close() resolves once the socket is closed: its port can be bound again at once', async () => {
    const a = await udp();
    const port = a.local.port;
    const first = a.close();
    expect(a.close()).toBe(first);
    await first;
    const b = new UdpTransport({ port });
    open.push(b);
    await b.connect();
    expect(b.local.port).toBe(port);
  });

  it('close() while binding closes that socket too, and connect() rejects', async () => {
    const t = new UdpTransport();
    const connecting = t.connect();
    const rejected = expect(connecting).rejects.toMatchObject({ code: 'CLOSED' });
    await t.close();
    await rejected;
    expect(t.state).toBe('closed');
    expect(t.local.port).toBe(0);
  });

  it('sets the socket buffer sizes asked for, and refuses nonsense sizes', async () => {
    const plain = await udp();
    const sized = new UdpTransport({ recvBufferSize: 150_000, sendBufferSize: 150_000 });
    open.push(sized);
    expect(sized.recvBufferSize).toBeUndefined();
    await sized.connect();
    expect(sized.recvBufferSize).toBeGreaterThanOrEqual(150_000);
    expect(sized.recvBufferSize).not.toBe(plain.recvBufferSize);
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      expect(() => new UdpTransport({ recvBufferSize: bad })).toThrow(RangeError);
      expect(() => new UdpTransport({ sendBufferSize: bad })).toThrow(RangeError);
    }
  });

  it('fails to bind a port that is taken', async () => {
    const a = await udp();
    const b = new UdpTransport({ port: a.local.port });
    open.push(b);
    await expect(b.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    expect(b.state).toBe('disconnected');
  });
});
