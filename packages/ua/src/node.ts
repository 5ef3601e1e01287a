/**
 * `@sipkit/ua/node`: the transport factory for Node (UDP, TCP, TLS and WebSocket through `ws`).
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { astTrue, type LocalTransportConfig, type ServerConfig } from '@sipkit/config';
import type { Transport } from '@sipkit/transport';
import {
  createNodeWebSocketTransport,
  TcpTransport,
  type TlsSettings,
  TlsTransport,
  UdpTransport,
  type UdpTransportOptions,
} from '@sipkit/transport/node';
import {
  connectionOptions,
  serverEndpoint,
  type TransportContext,
  type TransportFactory,
  webSocketUrl,
} from './transport-factory.js';

/** `host[:port]`, `[v6][:port]` or a bare IPv6 address, as Asterisk's `bind` takes it. */
function splitBind(bind: string): { host: string; port?: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(bind) ?? /^([^:]+)(?::(\d+))?$/.exec(bind);
  if (!m) return { host: bind };
  return m[2] === undefined ? { host: m[1]! } : { host: m[1]!, port: Number(m[2]) };
}

/**
 * The Node TLS settings of a pjsip.conf transport section: CA, certificate and key files read
 * now, the key's password, `verify_server` (unset: verify, Node's default, rather than
 * Asterisk's `no`) and the cipher list (OpenSSL names; commas become colons).
 */
function tlsSettings(tls: LocalTransportConfig['tls']): TlsSettings {
  const out: TlsSettings = {};
  const file = (key: string) => (tls[key] === undefined ? undefined : readFileSync(tls[key]!));
  const ca = file('ca_list_file');
  const cert = file('cert_file');
  const key = file('priv_key_file');
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  if (tls.password !== undefined) out.passphrase = tls.password;
  if (tls.verify_server !== undefined) out.rejectUnauthorized = astTrue(tls.verify_server);
  if (tls.cipher !== undefined) out.ciphers = tls.cipher.replace(/\s*,\s*/g, ':');
  return out;
}

/**
 * Local address to bind: loopback for a loopback server, else every interface, so requests from
 * other hops arrive too (UDP then reports its address toward the server for Via and Contact;
 * TCP and TLS report the connection's own).
 */
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
  const connection = connectionOptions(context);
  const local = context.localTransport;
  switch (server.transport) {
    case 'udp': {
      // Asterisk `bind` (UDP only; the adapter reports it for the others).
      const bound = local?.bind ? splitBind(local.bind) : { host: bindHost(server) };
      // The server is the flow's far end: RFC 5626 STUN keep-alives go there.
      return new UdpTransport({ ...context, ...settings.udp, ...bound, remote: serverEndpoint(server) });
    }
    case 'tcp':
      return new TcpTransport({
        ...context,
        ...connection,
        host: bindHost(server),
        remote: serverEndpoint(server),
      });
    case 'tls':
      return new TlsTransport({
        ...context,
        ...connection,
        host: bindHost(server),
        remote: serverEndpoint(server),
        tls: local ? tlsSettings(local.tls) : undefined,
      });
    default:
      return createNodeWebSocketTransport({ ...context, ...connection, url: webSocketUrl(server) });
  }
}

export { serverEndpoint, type TransportContext, type TransportFactory } from './transport-factory.js';
