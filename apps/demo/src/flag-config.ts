import { sipkitConfig, type UserAgentConfig } from '@sipkit/config';
import { parseUri } from '@sipkit/parser';

/**
 * A server given on the command line, as `sipkitConfig` takes it: a `ws(s)://` URL as it is; a
 * `sip:` URI or a bare host with the `--transport` flag's transport when it names none (a
 * WebSocket one becomes its `ws://` URL).
 */
export function serverFromFlag(server: string, transport: 'udp' | 'tcp' | 'ws'): string {
  if (/^wss?:\/\//i.test(server)) return server;
  // `host:port` has the shape of a scheme too: only a non-numeric part after the colon makes a URI.
  const uri = parseUri(/^[a-z][a-z0-9+.-]*:(?!\d+$)/i.test(server) ? server : `sip:${server}`);
  if (uri.kind !== 'sip') throw new Error(`--server must be a sip: URI or a ws:// URL, not ${server}`);
  const t = uri.transport?.toLowerCase() ?? transport;
  if (t === 'ws') return `ws://${uri.host}:${uri.port ?? 80}`;
  if (uri.transport === undefined && t !== 'udp') uri.params.set('transport', t);
  return uri.toString();
}

/** A configuration from flags: sipkit's own options, so the sipkit registration profile. */
export function configFromFlags(flags: {
  user: string;
  password: string;
  domain: string;
  expires: number;
  server: string;
}): UserAgentConfig {
  return sipkitConfig({
    aor: `sip:${flags.user}@${flags.domain}`,
    password: flags.password,
    servers: flags.server,
    expires: flags.expires,
    userAgent: 'sipkit-demo',
  });
}
