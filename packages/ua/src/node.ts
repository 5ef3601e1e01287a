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

/** Builds UDP, TCP, TLS or WS/WSS transports for a server; use it as `transportFactory` in Node. */
export const nodeTransportFactory: TransportFactory = (
  server: ServerConfig,
  context: TransportContext,
): Transport => {
  const keepAlive = context.keepAliveInterval > 0 ? { intervalMs: context.keepAliveInterval * 1000 } : false;
  switch (server.transport) {
    case 'udp':
      return new UdpTransport({ ...context, host: bindHost(server) });
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
};

export { serverEndpoint, type TransportContext, type TransportFactory } from './transport-factory.js';
