import type { LocalTransportConfig, ServerConfig } from '@sipkit/config';
import {
  type Endpoint,
  type KeepAliveOptions,
  type Transport,
  type TransportOptions,
  WebSocketTransport,
} from '@sipkit/transport';
import { UserAgentError } from './errors.js';

/**
 * What a {@link TransportFactory} gets besides the server: clock, random, logger, trace, and the
 * config's connection settings.
 */
export interface TransportContext extends TransportOptions {
  /** RFC 5626 keep-alive interval in seconds; 0 = off. */
  keepAliveInterval: number;
  /** Seconds to wait for a keep-alive pong; undefined = the transport's default. */
  keepAlivePongTimeout?: number;
  /** false: keep-alives at exactly `keepAliveInterval`; undefined = jittered to 80-100 %. */
  keepAliveJitter?: boolean;
  /** Seconds allowed for a connection to open; undefined = the transport's default. */
  connectionTimeout?: number;
  /** A pjsip.conf transport section: the UDP bind address and TLS settings, for the Node factory. */
  localTransport?: LocalTransportConfig;
}

/** The keep-alive and connect-timeout options of a stream or WebSocket transport for `context`. */
export function connectionOptions(context: TransportContext): {
  keepAlive: KeepAliveOptions | false;
  connectTimeoutMs: number | undefined;
} {
  const { keepAliveInterval: interval, keepAlivePongTimeout: pong, connectionTimeout: timeout } = context;
  return {
    keepAlive: interval > 0 && {
      intervalMs: interval * 1000,
      pongTimeoutMs: pong && pong * 1000,
      jitter: context.keepAliveJitter,
    },
    connectTimeoutMs: timeout && timeout * 1000,
  };
}

/** Makes the (unopened) transport for one configured server. */
export type TransportFactory = (server: ServerConfig, context: TransportContext) => Transport;

/** The server's address for datagram and stream transports (default ports 5060 / 5061 for TLS). */
export function serverEndpoint(server: ServerConfig): Endpoint {
  const uri = server.uri;
  const host = uri.kind === 'sip' ? uri.hostname : '';
  const port =
    uri.kind === 'sip' && uri.port !== undefined ? uri.port : server.transport === 'tls' ? 5061 : 5060;
  return { host, port };
}

/** The WebSocket URL of a ws/wss server: as configured, or built from its SIP URI (pjsip.conf gives only that). */
export function webSocketUrl(server: ServerConfig): string {
  if (server.url) return server.url;
  const { host, port } = serverEndpoint(server);
  const secure = server.transport === 'wss';
  const uri = server.uri;
  const explicitPort = uri.kind === 'sip' && uri.port !== undefined ? `:${port}` : '';
  return `${secure ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}${explicitPort}/`;
}

/**
 * The browser-safe default: WebSocket (ws/wss) servers only. For UDP, TCP and TLS in Node, pass
 * `nodeTransportFactory` from `@sipkit/ua/node`.
 */
export const webSocketTransportFactory: TransportFactory = (server, context) => {
  if (server.transport !== 'ws' && server.transport !== 'wss') {
    throw new UserAgentError(
      'UNSUPPORTED_TRANSPORT',
      `${server.transport} needs nodeTransportFactory from @sipkit/ua/node (browsers speak only WebSocket)`,
    );
  }
  return new WebSocketTransport({ ...context, ...connectionOptions(context), url: webSocketUrl(server) });
};
