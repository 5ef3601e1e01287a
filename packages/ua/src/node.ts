/**
 * `@sipkit/ua/node`: the transport factory for Node (UDP, TCP, TLS and WebSocket through `ws`).
 * @packageDocumentation
 */
import type { ServerConfig } from '@sipkit/config';
import type { Transport } from '@sipkit/transport';
import {
  createNodeWebSocketTransport,
  TcpTransport,
  TlsTransport,
  UdpTransport,
  type UdpTransportOptions,
} from '@sipkit/transport/node';
import {
  serverEndpoint,
  type TransportContext,
  type TransportFactory,
  webSocketUrl,
} from './transport-factory.js';

/** Local address to bind: loopback for a loopback server (so Via and Contact are reachable), else all. */
function bindHost(server: ServerConfig): string {
  const { host } = serverEndpoint(server);
  if (host === '::1') return '::1';
  if (host.startsWith('127.') || host === 'localhost') return '127.0.0.1';
  return host.includes(':') ? '::' : '0.0.0.0';
}

/** Settings of the transports {@link nodeTransportFactoryWith} builds. */
export interface NodeTransportSettings {
  /** UDP socket buffer sizes, for many transactions in flight (a `SipStack` of many user agents). */
  udp?: Pick<UdpTransportOptions, 'recvBufferSize' | 'sendBufferSize'>;
}

/**
 * A {@link nodeTransportFactory} with settings, for example a larger UDP receive buffer for a
 * load generator: `nodeTransportFactoryWith({ udp: { recvBufferSize: 4 * 1024 * 1024 } })`.
 */
export function nodeTransportFactoryWith(settings: NodeTransportSettings): TransportFactory {
  return (server, context) => build(server, context, settings);
}

/** Builds UDP, TCP, TLS or WS/WSS transports for a server; use it as `transportFactory` in Node. */
export const nodeTransportFactory: TransportFactory = (server, context) => build(server, context, {});

function build(server: ServerConfig, context: TransportContext, settings: NodeTransportSettings): Transport {
  const keepAlive = context.keepAliveInterval > 0 ? { intervalMs: context.keepAliveInterval * 1000 } : false;
  switch (server.transport) {
    case 'udp':
      return new UdpTransport({ ...context, ...settings.udp, host: bindHost(server) });
    case 'tcp':
      return new TcpTransport({
        ...context,
        host: bindHost(server),
        remote: serverEndpoint(server),
        keepAlive,
      });
    case 'tls':
      return new TlsTransport({
        ...context,
        host: bindHost(server),
        remote: serverEndpoint(server),
        keepAlive,
      });
    default:
      return createNodeWebSocketTransport({ ...context, url: webSocketUrl(server), keepAlive });
  }
}

export { serverEndpoint, type TransportContext, type TransportFactory } from './transport-factory.js';
