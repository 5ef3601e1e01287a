import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { fromPjsip } from '@sipkit/config';
import { parseUri, type SipUri } from '@sipkit/parser';
import type { Transport } from '@sipkit/transport';
import { TcpTransport, TlsTransport, UdpTransport } from '@sipkit/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeTransportFactory, nodeTransportFactoryWith } from '../src/node.js';

const open: Transport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

const server = (transport: 'udp' | 'tcp') => ({
  uri: parseUri(`sip:127.0.0.1:5999;transport=${transport}`) as SipUri,
  transport,
  weight: 0,
});
const context = { keepAliveInterval: 0 };

describe('nodeTransportFactoryWith', () => {
  it('gives UDP transports the socket buffer sizes, bound to loopback for a loopback server', async () => {
    const plain = nodeTransportFactory(server('udp'), context) as UdpTransport;
    const sized = nodeTransportFactoryWith({ udp: { recvBufferSize: 150_000 } })(server('udp'), context);
    open.push(plain, sized);
    expect(sized).toBeInstanceOf(UdpTransport);
    await Promise.all([plain.connect(), sized.connect()]);
    expect(sized.local.host).toBe('127.0.0.1');
    expect((sized as UdpTransport).recvBufferSize).toBeGreaterThanOrEqual(150_000);
    expect((sized as UdpTransport).recvBufferSize).not.toBe(plain.recvBufferSize);
  });

  it('builds the other transports as nodeTransportFactory does', () => {
    const t = nodeTransportFactoryWith({ udp: { recvBufferSize: 150_000 } })(server('tcp'), context);
    expect(t).toBeInstanceOf(TcpTransport);
  });

  it('refuses a nonsense buffer size when the transport is made', () => {
    expect(() => nodeTransportFactoryWith({ udp: { recvBufferSize: -5 } })(server('udp'), context)).toThrow(
      RangeError,
    );
  });
});

/** The transport section of a pjsip.conf registration using it, as the adapter reads it. */
function localTransport(lines: string[], server: string) {
  const conf = [
    '[t]',
    'type=transport',
    ...lines,
    '[r]',
    'type=registration',
    `server_uri=${server}`,
    'client_uri=sip:alice@example.test',
    'transport=t',
  ].join('\n');
  return fromPjsip(conf).localTransport!;
}

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../transport/test/fixtures/${name}`, import.meta.url));

describe('pjsip.conf transport settings in nodeTransportFactory', () => {
  it('bind: a UDP socket binds the address and port of the transport section', async () => {
    // A free port: bind one, note it, release it.
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const local = localTransport(['protocol=udp', `bind=127.0.0.1:${port}`], 'sip:192.0.2.1');
    const remote = { uri: parseUri('sip:192.0.2.1') as SipUri, transport: 'udp' as const, weight: 0 };
    const t = nodeTransportFactory(remote, { ...context, localTransport: local });
    open.push(t);
    await t.connect();
    // Without bind a non-loopback server gets a socket on every interface (0.0.0.0) and a random
    // port; `local` then reports the address toward the server (see the next test).
    expect(t.local).toEqual({ host: '127.0.0.1', port });
  });

  it('bind=0.0.0.0 (or ::): the socket listens on every interface, local is the address toward the server', async () => {
    for (const [bind, server, expected] of [
      ['0.0.0.0', 'sip:127.0.0.1:5999', '127.0.0.1'],
      ['[::]', 'sip:[::1]:5999', '::1'],
    ] as const) {
      const local = localTransport(['protocol=udp', `bind=${bind}`], server);
      const remote = { uri: parseUri(server) as SipUri, transport: 'udp' as const, weight: 0 };
      const t = nodeTransportFactory(remote, { ...context, localTransport: local });
      open.push(t);
      await t.connect();
      expect(t.local.host).toBe(expected);
      expect(t.local.port).toBeGreaterThan(0);
    }
  });

  describe('TLS', () => {
    let server: Server | undefined;
    const sockets = new Set<{ destroy(): void }>();
    afterEach(async () => {
      await Promise.all(open.splice(0).map((t) => t.close()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server = undefined;
    });
    async function tlsServer(): Promise<number> {
      server = createServer({
        key: readFileSync(fixture('localhost-key.pem')),
        cert: readFileSync(fixture('localhost-cert.pem')),
      });
      server.on('secureConnection', (socket) => sockets.add(socket));
      server.on('tlsClientError', () => {});
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
      return (server.address() as AddressInfo).port;
    }
    const tls = (port: number) => ({
      uri: parseUri(`sips:127.0.0.1:${port}`) as SipUri,
      transport: 'tls' as const,
      weight: 0,
    });

    it('ca_list_file makes a self-signed registrar trusted', async () => {
      const port = await tlsServer();
      const local = localTransport(
        ['protocol=tls', `ca_list_file=${fixture('localhost-cert.pem')}`],
        `sips:127.0.0.1:${port}`,
      );
      const t = nodeTransportFactory(tls(port), { ...context, localTransport: local });
      open.push(t);
      expect(t).toBeInstanceOf(TlsTransport);
      await t.connect();
      expect(t.state).toBe('connected');
    });

    it('without it the certificate is checked (and refused); verify_server=no turns the check off', async () => {
      const port = await tlsServer();
      const plain = localTransport(['protocol=tls'], `sips:127.0.0.1:${port}`);
      const checked = nodeTransportFactory(tls(port), { ...context, localTransport: plain });
      open.push(checked);
      await expect(checked.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
      const off = localTransport(['protocol=tls', 'verify_server=no'], `sips:127.0.0.1:${port}`);
      const unchecked = nodeTransportFactory(tls(port), { ...context, localTransport: off });
      open.push(unchecked);
      await unchecked.connect();
      expect(unchecked.state).toBe('connected');
    });
  });
});
