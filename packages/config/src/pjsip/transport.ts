import { parseUri, SipUri } from '@sipkit/parser';
import type { LocalTransportConfig, TransportProtocol, UnsupportedOption } from '../types.js';
import type { PjsipSection } from './document.js';
import { SectionReader } from './section-reader.js';

/** Every option of `type=transport` (res_pjsip/config_transport.c). */
export const TRANSPORT_OPTIONS = [
  'type',
  'protocol',
  'bind',
  'async_operations',
  'ca_list_file',
  'ca_list_path',
  'cert_file',
  'priv_key_file',
  'password',
  'external_signaling_address',
  'external_signaling_port',
  'external_media_address',
  'domain',
  'verify_server',
  'verify_client',
  'require_client_cert',
  'allow_wildcard_certs',
  'method',
  'cipher',
  'local_net',
  'tos',
  'cos',
  'websocket_write_timeout',
  'allow_reload',
  'symmetric_transport',
  'tcp_keepalive_enable',
  'tcp_keepalive_idle_time',
  'tcp_keepalive_interval_time',
  'tcp_keepalive_probe_count',
] as const;

/** Options handed to the Node TLS transport as written (`@sipkit/ua/node` maps them). */
const TLS_OPTIONS = ['ca_list_file', 'cert_file', 'priv_key_file', 'password', 'verify_server', 'cipher'];

const UNHONOURED: Record<string, string> = {
  async_operations: 'pjsip threading detail with no equivalent in sipkit',
  external_media_address: 'media option; sipkit signalling does not rewrite SDP',
  tos: 'IP TOS marking is not available to sipkit sockets',
  cos: 'Ethernet CoS marking is not available to sipkit sockets',
  websocket_write_timeout: 'server-side WebSocket option',
  allow_reload: 'Asterisk reload behaviour',
  symmetric_transport: 'server-side option for inbound requests',
  tcp_keepalive_enable: 'OS TCP keep-alive is not configured by sipkit',
  tcp_keepalive_idle_time: 'OS TCP keep-alive is not configured by sipkit',
  tcp_keepalive_interval_time: 'OS TCP keep-alive is not configured by sipkit',
  tcp_keepalive_probe_count: 'OS TCP keep-alive is not configured by sipkit',
  ca_list_path: 'Node reads CA files, not directories: use ca_list_file',
  allow_wildcard_certs: 'Node accepts wildcard certificates',
  method: 'Node negotiates the TLS version',
};

/** The result of reading one transport section. */
export interface PjsipTransport {
  /** Undefined when the protocol is `flow`, which sipkit does not have. */
  transport?: LocalTransportConfig;
  unsupported: UnsupportedOption[];
}

/** Reads a `type=transport` section. */
export function readTransport(section: PjsipSection): PjsipTransport {
  const r: SectionReader = new SectionReader(section, TRANSPORT_OPTIONS);
  const protocol = (r.string('protocol') ?? 'udp').toLowerCase();
  if (!['udp', 'tcp', 'tls', 'ws', 'wss', 'flow'].includes(protocol)) {
    r.fail('INVALID_VALUE', 'protocol', 'udp, tcp, tls, ws, wss or flow');
  }
  const bind = readBind(r);
  for (const [k, reason] of Object.entries(UNHONOURED)) r.unsupportedIfSet(k, reason);
  for (const k of ['external_signaling_address', 'external_signaling_port', 'local_net'])
    r.unsupportedIfSet(k, 'no NAT rewrite of Contact and Via: they carry the local address');
  for (const k of ['domain', 'verify_client', 'require_client_cert'])
    r.unsupportedIfSet(k, 'server side only');
  if (protocol === 'flow') {
    r.unsupported.push({
      key: r.keyName('protocol'),
      source: 'pjsip',
      reason:
        'flow transports (reuse of an inbound connection) are not available; the transport is chosen from server_uri',
    });
    return { unsupported: r.unsupported };
  }
  const tls: Record<string, string> = {};
  for (const k of TLS_OPTIONS) {
    const v = r.string(k);
    if (v !== undefined) tls[k] = v;
  }
  const port = r.has('external_signaling_port') ? r.uint('external_signaling_port', 0) : undefined;
  if (port !== undefined && port > 65535)
    r.fail('OUT_OF_RANGE', 'external_signaling_port', 'a port number 0..65535');
  // Outgoing TCP, TLS and WebSocket connections leave from an ephemeral port, and sipkit does
  // not listen: only a UDP socket binds.
  if (protocol !== 'udp')
    r.unsupportedIfSet('bind', 'only a UDP socket binds; connections use an ephemeral port');
  return {
    transport: {
      name: section.name,
      protocol: protocol as TransportProtocol,
      bind: protocol === 'udp' ? bind : undefined,
      tls,
    },
    unsupported: r.unsupported,
  };
}

/**
 * `bind` as Asterisk reads it (pj_sockaddr_parse): `host[:port]` with a hostname or IPv4 address,
 * `[IPv6][:port]` or a bare IPv6 address, the port 0..65535 (0: any). Asterisk refuses the
 * transport otherwise, for every protocol; checked here so a bad value fails when read, not when
 * `@sipkit/ua/node` binds. Empty: unset.
 */
function readBind(r: SectionReader): string | undefined {
  const v = r.string('bind');
  if (!v) return undefined;
  let uri: unknown;
  try {
    // A SIP hostport, but for a bare IPv6 address (two colons or more, no brackets).
    uri = parseUri(`sip:${/:.*:/.test(v) && v[0] !== '[' ? `[${v}]` : v}`);
  } catch {}
  if (
    !(uri instanceof SipUri) ||
    uri.user !== undefined ||
    uri.params.size + uri.headers.size > 0 ||
    // Only digits and dots: an IPv4 address, not a hostname.
    !/^\[|[^\d.]|^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/.test(uri.host)
  ) {
    r.fail('INVALID_VALUE', 'bind', 'host[:port] or [IPv6][:port], the port 0..65535');
  }
  return v;
}
