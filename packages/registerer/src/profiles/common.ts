import { SipUri, type Uri, uriEquals } from '@sipkit/parser';
import type { ContactParts, ContactUriInput } from '../profile.js';

/** `;name=value` / `;name` for each parameter. */
export function paramText(params: ReadonlyArray<readonly [string, string | null]>): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

/** `;reg-id=N;+sip.instance="<urn:uuid:X>"` (the order JsSIP and SIP.js write). */
export function outboundParams(parts: ContactParts): string {
  if (parts.instance === undefined || parts.regId === undefined) return '';
  return `;reg-id=${parts.regId};+sip.instance="<urn:uuid:${parts.instance}>"`;
}

/**
 * `Supported` value: the profile's own option tags, then the extra ones it does not list yet
 * (SIP.js drops repeats; callers may pass the profile's own tags again as extras).
 */
export function optionTags(own: readonly string[], extra: readonly string[]): string {
  const tags = [...own];
  for (const tag of extra) if (!tags.includes(tag)) tags.push(tag);
  return tags.join(', ');
}

/** Brackets a bare IPv6 address. */
export function hostText(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `:port`, or nothing for port 0: not known yet, or meaningless (the local side of a WebSocket). */
export function portText(port: number): string {
  return port > 0 ? `:${port}` : '';
}

/**
 * The Contact URI of the JavaScript stacks: `sip:USER@HOST;transport=ws` on WebSocket (no port:
 * the host is the `.invalid` placeholder of RFC 7118, and all three write `ws` even on WSS,
 * unless configured otherwise). On other transports (which those stacks do not have) the port
 * and the transport in use are written.
 */
export function websocketStyleUri(input: ContactUriInput): string {
  const t = input.local.transport.toLowerCase();
  const host = hostText(input.local.host);
  const base =
    t === 'ws' || t === 'wss'
      ? `sip:${input.user}@${host};transport=${input.transport ?? 'ws'}`
      : `sip:${input.user}@${host}${portText(input.local.port)}${t === 'udp' ? '' : `;transport=${t}`}`;
  return base + paramText(input.uriParams);
}

/** The AOR without user, URI parameters and headers (JsSIP `registrar_server`). */
export function registrarFromHost(aor: SipUri): SipUri {
  return new SipUri(aor.scheme, aor.host, undefined, aor.port);
}

/** The AOR without user; parameters and headers kept (SIP.js). */
export function registrarKeepParams(aor: SipUri): SipUri {
  const r = aor.clone();
  r.user = undefined;
  r.password = undefined;
  return r;
}

/** Equivalence that tolerates an undefined side. */
export function sameUri(a: Uri | undefined, b: Uri | undefined): boolean {
  return a !== undefined && b !== undefined && uriEquals(a, b);
}

/** `Number(x)` of a parameter value the way JavaScript stacks coerce it (undefined → NaN). */
export function jsNumber(v: string | null | undefined): number {
  return Number(v ?? undefined);
}
