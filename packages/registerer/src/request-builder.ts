import { createRequest, type HeaderInput, quote, type SipRequest, type Uri } from '@sipkit/parser';
import type { ContactParts, HeaderSlot, RegistrationProfile } from './profile.js';
import { paramText } from './profiles/common.js';

/** Everything one REGISTER or un-REGISTER needs; the profile decides the layout. */
export interface BuildInput {
  profile: RegistrationProfile;
  kind: 'register' | 'unregister';
  /** `Contact: *` (remove every binding). */
  star: boolean;
  requestUri: Uri;
  /** From URI: the AOR unless overridden. */
  fromUri: string;
  /** To URI: the AOR unless overridden. */
  toUri: string;
  displayName?: string;
  /** To display name when given explicitly; else the profile decides (`displayNameInTo`). */
  toDisplayName?: string;
  fromTag: string;
  callId: string;
  cseq: number;
  /** Our Contact but its `expires` parameter, which follows the profile's placement. */
  contact: Omit<ContactParts, 'expires'>;
  /** Requested expiry (0 for an un-REGISTER). */
  expires: number;
  routeSet: readonly string[];
  allow?: string;
  supported?: string;
  userAgent?: string;
  extraHeaders: ReadonlyArray<readonly [string, string]>;
  /** Authorization / Proxy-Authorization lines to carry. */
  auth: ReadonlyArray<readonly [string, string]>;
  /** Asterisk's 423 resend: built without the Supported header. */
  bare: boolean;
}

/** One header line: name and value. */
type Line = readonly [string, HeaderInput];

/** The line `name: value`, or none without a value. */
function optional(name: string, value: HeaderInput | undefined): Line[] {
  return value === undefined ? [] : [[name, value]];
}

function nameAddr(uri: string, displayName?: string): string {
  return displayName === undefined || displayName === '' ? `<${uri}>` : `${quote(displayName)} <${uri}>`;
}

/** Builds the request with the headers in the profile's order. The transaction layer adds Via. */
export function buildRegister(b: BuildInput): SipRequest {
  const p = b.profile;
  const register = b.kind === 'register';
  const placement = register ? p.expiresIn : p.unregisterExpiresIn;
  const omit = register && p.omitExpiresWhenZero && b.expires === 0;
  const headerExpires = !omit && (b.star || placement !== 'contact');
  const paramExpires = !omit && !b.star && placement !== 'header';
  const contact = b.star
    ? `*${p.starCarriesParams ? paramText(b.contact.params) : ''}`
    : p.contactHeader({ ...b.contact, expires: paramExpires ? b.expires : undefined });
  // The lines of every slot; the profile's layout picks and orders them.
  const lines: Record<HeaderSlot, ReadonlyArray<Line>> = {
    route: b.routeSet.map((r) => ['Route', r]),
    'max-forwards': [['Max-Forwards', p.maxForwards]],
    from: [['From', `${nameAddr(b.fromUri, b.displayName)};tag=${b.fromTag}`]],
    to: [['To', nameAddr(b.toUri, b.toDisplayName ?? (p.displayNameInTo ? b.displayName : undefined))]],
    'call-id': [['Call-ID', b.callId]],
    cseq: [['CSeq', `${b.cseq} REGISTER`]],
    authorization: b.auth,
    extra: b.extraHeaders,
    contact: [['Contact', contact]],
    expires: optional('Expires', headerExpires ? b.expires : undefined),
    allow: optional('Allow', b.allow),
    supported: optional('Supported', b.bare ? undefined : b.supported),
    'user-agent': optional('User-Agent', b.userAgent),
  };
  const headers = (register ? p.registerLayout : p.unregisterLayout).flatMap((slot) => lines[slot]);
  return createRequest({ method: 'REGISTER', uri: b.requestUri, headers });
}

/** Whether a header name is Authorization or Proxy-Authorization. */
export function isAuthLine(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'authorization' || n === 'proxy-authorization';
}

/** The Authorization / Proxy-Authorization lines of a request, in order. */
export function authLines(request: SipRequest): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of request.headers.entries()) if (isAuthLine(name)) out.push([name, value]);
  return out;
}
