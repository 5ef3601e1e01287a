import { type Endpoint, TransportError } from '@sipkit/transport';
import {
  routeSourceAddress,
  type SourceAddressLookup,
  TcpTransport,
  UdpTransport,
} from '@sipkit/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { optionsRequest } from './helpers.js';
import { nextMessage } from './sockets.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

async function udp(options: ConstructorParameters<typeof UdpTransport>[0]): Promise<UdpTransport> {
  const t = new UdpTransport(options);
  open.push(t);
  await t.connect();
  return t;
}

describe.each([
  ['0.0.0.0', '127.0.0.1'],
  ['::', '::1'],
])('UdpTransport bound to the wildcard %s, its server on %s', (wildcard, loopback) => {
  it('reports the address toward the server, keeps receiving on every interface', async () => {
    const server = await udp({ host: loopback });
    const t = await udp({ host: wildcard, remote: server.local });
    expect(t.local.host).toBe(loopback);
    expect(t.local.port).toBeGreaterThan(0);
    // The server sees requests come from the address reported, and answers reach the socket.
    const got = nextMessage(server);
    await t.send(optionsRequest({ transport: 'UDP', host: t.local.host, port: t.local.port }), server.local);
    const { source } = await got;
    expect(source).toEqual(t.local);
    const back = nextMessage(t);
    await server.send(new TextEncoder().encode('OPTIONS sip:x SIP/2.0\r\nCall-ID: back\r\n\r\n'), source);
    expect((await back).msg.callId).toBe('back');
  });

  it('routeSourceAddress answers the same without sending anything', async () => {
    const server = await udp({ host: loopback });
    const seen: string[] = [];
    server.on('message', (m) => seen.push(m.callId ?? ''));
    server.on('parseError', () => seen.push('junk'));
    const type = loopback === '::1' ? 'udp6' : 'udp4';
    expect(await routeSourceAddress(server.local, type)).toBe(loopback);
    // A datagram sent after it is the first the server gets.
    const sender = await udp({ host: loopback });
    const got = nextMessage(server);
    await sender.send(
      new TextEncoder().encode('OPTIONS sip:x SIP/2.0\r\nCall-ID: after\r\n\r\n'),
      server.local,
    );
    await got;
    expect(seen).toEqual(['after']);
  });
});

describe.each([
  ['0.0.0.0', '127.0.0.1'],
  ['::', '::1'],
])('TcpTransport given the wildcard %s, its server on %s', (wildcard, loopback) => {
  it("reports the connection's own local address", async () => {
    const server = new TcpTransport({ host: loopback, listen: true });
    open.push(server);
    await server.connect();
    const t = new TcpTransport({ host: wildcard, remote: server.local });
    open.push(t);
    await t.connect();
    expect(t.local.host).toBe(loopback);
    expect(t.local.port).toBeGreaterThan(0);
  });
});

describe('UdpTransport local address with the lookup injected', () => {
  const remote: Endpoint = { host: 'registrar.example.test', port: 5080 };

  it('a wildcard bind reports the lookup answer for its remote (a non-loopback server)', async () => {
    const asked: [Endpoint, string][] = [];
    const lookup: SourceAddressLookup = async (to, type) => {
      asked.push([to, type]);
      return '192.0.2.7';
    };
    const t = await udp({ host: '0.0.0.0', remote, sourceAddress: lookup });
    expect(t.local).toEqual({ host: '192.0.2.7', port: expect.any(Number) });
    expect(asked).toEqual([[remote, 'udp4']]);
    const v6 = await udp({
      host: '::',
      remote: { host: '[2001:db8::1]', port: 5060 },
      sourceAddress: lookup,
    });
    expect(v6.local.host).toBe('192.0.2.7');
    // Brackets off: sockets take bare addresses.
    expect(asked[1]).toEqual([{ host: '2001:db8::1', port: 5060 }, 'udp6']);
  });

  it('a bind to a given address, or a wildcard without a remote, is reported as bound; no lookup', async () => {
    let asked = 0;
    const lookup: SourceAddressLookup = async () => {
      asked++;
      return '192.0.2.7';
    };
    expect((await udp({ host: '127.0.0.1', remote, sourceAddress: lookup })).local.host).toBe('127.0.0.1');
    expect((await udp({ host: '0.0.0.0', sourceAddress: lookup })).local.host).toBe('0.0.0.0');
    expect(asked).toBe(0);
  });

  it('a lookup that fails leaves the wildcard, with a warning', async () => {
    const warnings: string[] = [];
    const none = () => {};
    const t = await udp({
      host: '0.0.0.0',
      remote,
      sourceAddress: () => Promise.reject(new Error('ENETUNREACH')),
      logger: { debug: none, info: none, warn: (m) => warnings.push(m), error: none },
    });
    expect(t.state).toBe('connected');
    expect(t.local.host).toBe('0.0.0.0');
    expect(warnings).toEqual([expect.stringContaining('registrar.example.test:5080')]);
  });

  it('close() during the lookup closes the socket and connect() rejects', async () => {
    let answer: (host: string) => void = () => {};
    let asked: () => void = () => {};
    const lookingUp = new Promise<void>((r) => (asked = r));
    const t = new UdpTransport({
      host: '0.0.0.0',
      remote,
      sourceAddress: () => {
        asked();
        return new Promise((r) => (answer = r));
      },
    });
    const connecting = t.connect();
    await lookingUp;
    await t.close();
    answer('192.0.2.7');
    await expect(connecting).rejects.toBeInstanceOf(TransportError);
    expect(t.state).toBe('closed');
    expect(t.local.host).toBe('0.0.0.0');
  });
});
