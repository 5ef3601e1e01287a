import { fromJsSIP, type ServerConfig, type UserAgentConfig } from '@sipkit/config';
import { parseUri, type SipUri } from '@sipkit/parser';

/** A server given on the command line: `ws(s)://host:port` or `sip:host[:port]` with a transport. */
export function serverFromFlag(server: string, transport: 'udp' | 'tcp' | 'ws'): ServerConfig {
  if (/^wss?:\/\//.test(server)) {
    const url = new URL(server);
    const t = url.protocol === 'wss:' ? 'wss' : 'ws';
    return { url: server, uri: parseUri(`sip:${url.host};transport=ws`) as SipUri, transport: t, weight: 0 };
  }
  const uri = parseUri(server.includes(':') ? server : `sip:${server}`);
  if (uri.kind !== 'sip') throw new Error(`--server must be a sip: URI or a ws:// URL, not ${server}`);
  const t = (uri.transport as 'udp' | 'tcp' | 'ws' | undefined) ?? transport;
  if (t === 'ws') {
    return { url: `ws://${uri.host}:${uri.port ?? 80}`, uri, transport: 'ws', weight: 0 };
  }
  return { uri, transport: t, weight: 0 };
}

/**
 * A configuration from flags: sipkit's own registration profile, one server. (The JsSIP
 * adapter does the validation and defaults; its WebSocket server is then replaced.)
 */
export function configFromFlags(flags: {
  user: string;
  password: string;
  domain: string;
  expires: number;
  server: ServerConfig;
}): UserAgentConfig {
  const base = fromJsSIP(
    {
      uri: `sip:${flags.user}@${flags.domain}`,
      password: flags.password,
      sockets: ['ws://placeholder.invalid'],
      register_expires: flags.expires,
      user_agent: 'sipkit-demo',
    },
    { profile: 'sipkit' },
  );
  // The adapter's `transport=ws` applies on WebSocket only; elsewhere the Contact names the transport used.
  return { ...base, servers: [flags.server] };
}
