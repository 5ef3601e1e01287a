// Pieces of a REGISTER's header lines; the registerer lays them out in its profile's order.
import { type HeaderInput, quote, type SipRequest } from '@sipkit/parser';

/** One header line: name and value. */
export type Line = readonly [string, HeaderInput];

/** The line `name: value`, or none without a value. */
export function optional(name: string, value: HeaderInput | undefined): Line[] {
  return value === undefined ? [] : [[name, value]];
}

/** A From / To value: the URI in angle brackets, after the display name when there is one. */
export function nameAddr(uri: string, displayName?: string): string {
  return displayName === undefined || displayName === '' ? `<${uri}>` : `${quote(displayName)} <${uri}>`;
}

/** Whether a header name is Authorization or Proxy-Authorization. */
export function isAuthLine(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'authorization' || n === 'proxy-authorization';
}

/** Whether a request carries a Bearer token (RFC 6750) in an Authorization / Proxy-Authorization line. */
export function carriesBearer(request: SipRequest): boolean {
  return authLines(request).some(([, value]) => /^\s*bearer\s/i.test(value));
}

/** The Authorization / Proxy-Authorization lines of a request, in order. */
export function authLines(request: SipRequest): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of request.headers.entries()) if (isAuthLine(name)) out.push([name, value]);
  return out;
}
