import { type Headers, Params, Via } from '@sipkit/parser';
import type { Endpoint, Transport } from '@sipkit/transport';

/** Writes an address as a Via / URI host: IPv6 literals get brackets. */
export function hostForVia(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The address without IPv6 brackets, lower-cased, for comparisons. */
export function bareHost(host: string): string {
  return (host.startsWith('[') ? host.slice(1, -1) : host).toLowerCase();
}

/** What a client may change in the Via it sends (the WebSocket stacks' `viaHost`, `hackViaTcp`, `forceRport`). */
export interface ClientViaOptions {
  /** Add an empty `rport` (RFC 3581); default true. */
  rport?: boolean;
  /** Transport token to write instead of the transport's own (JsSIP `via_transport`). */
  transport?: string;
  /** Sent-by host instead of the transport's local one (an invented host on a WebSocket). */
  host?: string;
}

/**
 * The Via a client puts on top of a request it sends (RFC 3261 section 18.1.1): the transport
 * token, sent-by from the transport's local address, the branch, and by default an empty `rport`
 * asking the server to echo the source port (RFC 3581), which is what gets responses through NAT.
 */
export function clientVia(
  transport: Pick<Transport, 'protocol' | 'local'>,
  branch: string,
  via: ClientViaOptions = {},
): Via {
  const params = new Params().set('branch', branch);
  if (via.rport !== false) params.set('rport');
  return new Via(
    via.transport ?? transport.protocol,
    hostForVia(via.host ?? transport.local.host),
    sentByPort(transport.local.port),
    params,
  );
}

/**
 * The port a sent-by carries for a local port: none for 0, which means unknown (the local side
 * of a WebSocket, whose Via is `xxx.invalid` with no port in RFC 7118's examples).
 */
export function sentByPort(port: number): number | undefined {
  return port > 0 ? port : undefined;
}

/**
 * Whether `via`'s sent-by is `host` and `port` (RFC 3261 section 18.1.2: a response whose top Via
 * is not the one this transport inserts is discarded). `received` and `rport`, which servers add,
 * are not part of sent-by; IPv6 brackets and letter case do not count.
 */
export function hasSentBy(via: Via, host: string, port: number | undefined): boolean {
  return via.port === port && bareHost(via.host) === bareHost(host);
}

/**
 * Replaces every Via line with one line per value, in the same order. Used after changing a
 * parsed Via so the raw text (what gets serialised) matches the typed values.
 */
export function rewriteVias(headers: Headers, vias: readonly Via[]): void {
  headers.delete('via');
  for (let i = vias.length - 1; i >= 0; i--) headers.prepend('Via', vias[i]!.toString());
}

/**
 * Server side of RFC 3261 section 18.2.1 and RFC 3581 section 4: adds `received` when the
 * sent-by host is not the packet's source address, and fills an empty `rport` with the source
 * port (which also forces `received`). Returns true when the top Via changed.
 */
export function stampReceived(headers: Headers, source: Endpoint): boolean {
  const vias = headers.typed('via');
  const top = vias[0];
  if (!top) return false;
  let changed = false;
  const src = bareHost(source.host);
  const wantsRport = top.params.has('rport');
  if (bareHost(top.host) !== src || wantsRport) {
    if (top.received !== src) {
      top.params.set('received', src);
      changed = true;
    }
  }
  if (wantsRport && top.rport !== source.port) {
    top.params.set('rport', String(source.port));
    changed = true;
  }
  if (changed) rewriteVias(headers, vias);
  return changed;
}

/** Default port for a Via transport token when sent-by has none (RFC 3261 section 18.2.2, RFC 7118). */
export function defaultPort(transport: string): number {
  switch (transport.toUpperCase()) {
    case 'TLS':
      return 5061;
    case 'WSS':
      return 443;
    case 'WS':
      return 80;
    default:
      return 5060;
  }
}

/**
 * Where a response over TCP or TLS goes when the request's connection is gone (RFC 3261 section
 * 18.2.2): a new connection to `received` (else the sent-by host) at the sent-by port, else the
 * transport's default port. Undefined for other transports (nothing can connect to a WebSocket
 * client), or when that is `source` again, which was just tried.
 */
export function reconnectDestination(top: Via, source: Endpoint): Endpoint | undefined {
  if (top.transport !== 'TCP' && top.transport !== 'TLS') return undefined;
  const host = bareHost(top.received ?? top.host);
  const port = top.port ?? defaultPort(top.transport);
  return host === bareHost(source.host) && port === source.port ? undefined : { host, port };
}

/**
 * Where a server sends a response (RFC 3261 section 18.2.2 with RFC 3581): over a reliable
 * transport back to the source (the same connection); otherwise to `maddr` if present, else to
 * `received` (with `rport` when the client asked for it), else to the sent-by address.
 */
export function responseDestination(top: Via, source: Endpoint, reliable: boolean): Endpoint {
  if (reliable) return source;
  const port = top.port ?? defaultPort(top.transport);
  if (top.maddr) return { host: bareHost(top.maddr), port };
  const rport = top.rport;
  if (typeof rport === 'number') return { host: top.received ?? bareHost(source.host), port: rport };
  if (top.received) return { host: top.received, port };
  return { host: bareHost(top.host), port };
}
