import { parseUri, type SipUri } from '@sipkit/parser';
import type { Transport } from '@sipkit/transport';
import { TcpTransport, UdpTransport } from '@sipkit/transport/node';
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
