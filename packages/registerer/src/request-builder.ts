import { createRequest, type HeaderInput, quote, type SipRequest, type Uri } from '@sipkit/parser';
import type { RegistrationProfile } from './profile.js';

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
  contactUri: string;
  instance?: string;
  regId?: number;
  alwaysInstance?: string;
  contactParams: ReadonlyArray<readonly [string, string | null]>;
  /** Requested expiry (0 for an un-REGISTER). */
  expires: number;
  routeSet: readonly string[];
  maxForwards: number;
  allow?: string;
  supported?: string;
  userAgent?: string;
  extraHeaders: ReadonlyArray<readonly [string, string]>;
  /** Authorization / Proxy-Authorization lines to carry. */
  auth: ReadonlyArray<readonly [string, string]>;
  /** Asterisk's 423 resend: built without the Supported header. */
  bare: boolean;
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
    ? `*${p.starCarriesParams ? b.contactParams.map(([n, v]) => (v === null ? `;${n}` : `;${n}=${v}`)).join('') : ''}`
    : p.contactHeader({
        uri: b.contactUri,
        instance: b.instance,
        regId: b.regId,
        alwaysInstance: b.alwaysInstance,
        expires: paramExpires ? b.expires : undefined,
        params: b.contactParams,
      });
  const headers: [string, HeaderInput][] = [];
  const layout = register ? p.registerLayout : p.unregisterLayout;
  for (const slot of layout) {
    switch (slot) {
      case 'route':
        for (const r of b.routeSet) headers.push(['Route', r]);
        break;
      case 'max-forwards':
        headers.push(['Max-Forwards', b.maxForwards]);
        break;
      case 'from':
        headers.push(['From', `${nameAddr(b.fromUri, b.displayName)};tag=${b.fromTag}`]);
        break;
      case 'to':
        headers.push([
          'To',
          nameAddr(b.toUri, b.toDisplayName ?? (p.displayNameInTo ? b.displayName : undefined)),
        ]);
        break;
      case 'call-id':
        headers.push(['Call-ID', b.callId]);
        break;
      case 'cseq':
        headers.push(['CSeq', `${b.cseq} REGISTER`]);
        break;
      case 'authorization':
        for (const [n, v] of b.auth) headers.push([n, v]);
        break;
      case 'extra':
        for (const [n, v] of b.extraHeaders) headers.push([n, v]);
        break;
      case 'contact':
        headers.push(['Contact', contact]);
        break;
      case 'expires':
        if (headerExpires) headers.push(['Expires', b.expires]);
        break;
      case 'allow':
        if (b.allow !== undefined) headers.push(['Allow', b.allow]);
        break;
      case 'supported':
        if (b.supported !== undefined && !b.bare) headers.push(['Supported', b.supported]);
        break;
      case 'user-agent':
        if (b.userAgent !== undefined) headers.push(['User-Agent', b.userAgent]);
        break;
    }
  }
  return createRequest({ method: 'REGISTER', uri: b.requestUri, headers });
}

/** The Authorization / Proxy-Authorization lines of a request, in order. */
export function authLines(request: SipRequest): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of request.headers.entries()) {
    const n = name.toLowerCase();
    if (n === 'authorization' || n === 'proxy-authorization') out.push([name, value]);
  }
  return out;
}
