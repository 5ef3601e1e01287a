import { SipParseError } from './errors.js';
import { escapePart, HEADER_CHARS, PARAM_CHARS, PASSWORD_CHARS, USER_CHARS, unescapePart } from './escape.js';
import { bytesOf, DIGIT, digitsAt, IPV6, runEnd, URI_PARAM, USER } from './fast-scan.js';
import { hostEnd } from './host.js';
import { isIPv6Reference } from './ipv6.js';
import { type Param, Params } from './params.js';

/** A `sip:` or `sips:` URI (RFC 3261 section 19.1). Escapes are resolved in every field. */
export class SipUri {
  /** Tells a SIP URI from the other {@link Uri} kinds; `sips:` URIs are `'sip'` too. */
  readonly kind = 'sip' as const;
  constructor(
    /** `sips` asks for TLS on every hop. */
    public scheme: 'sip' | 'sips',
    /** Hostname, IPv4 address or bracketed IPv6 reference, as written. */
    public host: string,
    /** User part, escapes resolved; undefined when the URI has no `@`. */
    public user?: string,
    /** Port; undefined when not written (which compares unequal to an explicit 5060). */
    public port?: number,
    /** URI parameters (`transport`, `lr`, `ob`, ...), escapes resolved. */
    public params: Params = new Params(),
    /** URI headers (after `?`); see {@link SipUri.headers}. */
    headers?: Params,
    /** Password after `user:`, escapes resolved (deprecated by RFC 3261, still parsed). */
    public password?: string,
  ) {
    this.uriHeaders = headers;
  }

  /** The URI headers, made on first use: almost no URI has any. */
  private uriHeaders: Params | undefined;

  /** URI headers (after `?`), escapes resolved; not allowed in a Request-URI. */
  get headers(): Params {
    this.uriHeaders ??= new Params();
    return this.uriHeaders;
  }
  /** Replaces the URI headers. */
  set headers(value: Params) {
    this.uriHeaders = value;
  }

  /** @internal True when the URI has headers; unlike `headers.size`, makes no empty list. */
  get hasHeaders(): boolean {
    return this.uriHeaders !== undefined && this.uriHeaders.size > 0;
  }

  /** The `transport` parameter, lower-cased, if any. */
  get transport(): string | undefined {
    return this.params.find('transport')?.toLowerCase();
  }

  /** The host without IPv6 brackets. */
  get hostname(): string {
    return this.host.startsWith('[') ? this.host.slice(1, -1) : this.host;
  }

  /** An independent copy, parameters and headers included. */
  clone(): SipUri {
    return new SipUri(
      this.scheme,
      this.host,
      this.user,
      this.port,
      this.params.clone(),
      this.uriHeaders?.clone(),
      this.password,
    );
  }

  /**
   * The URI as written on the wire, characters outside each part's set escaped. Throws
   * {@link SipParseError} `BAD_URI` (position: the host's) when `host` is not a hostname, IPv4
   * address or IPv6 reference: it would not read back as this URI.
   */
  toString(): string {
    let out = `${this.scheme}:`;
    if (this.user !== undefined) {
      out += escapePart(this.user, USER_CHARS);
      if (this.password !== undefined) out += `:${escapePart(this.password, PASSWORD_CHARS)}`;
      out += '@';
    }
    const bad = hostError(this.host);
    if (bad >= 0) throw new SipParseError('BAD_URI', 'not a host', out.length + bad);
    out += this.host;
    if (this.port !== undefined) out += `:${this.port}`;
    out += uriParamsToString(this.params, ';', PARAM_CHARS);
    if (this.hasHeaders) out += `?${uriParamsToString(this.headers, '&', HEADER_CHARS).slice(1)}`;
    return out;
  }
}

/** A `tel:` URI (RFC 3966); `number` is the subscriber number as written. */
export class TelUri {
  /** Tells a tel URI from the other {@link Uri} kinds. */
  readonly kind = 'tel' as const;
  /** Always `tel`. */
  readonly scheme = 'tel';
  constructor(
    /** Global (`+1-201-555-0123`) or local number, visual separators kept. */
    public number: string,
    /** Parameters (`phone-context`, `ext`, ...). */
    public params: Params = new Params(),
  ) {}

  /** The URI as written on the wire. */
  toString(): string {
    return `tel:${this.number}${uriParamsToString(this.params, ';', PARAM_CHARS)}`;
  }
}

/** Any other absolute URI, kept as written (schemes such as `http:` or unknown ones). */
export class AbsoluteUri {
  /** Tells an opaque URI from the other {@link Uri} kinds. */
  readonly kind = 'absolute' as const;
  constructor(
    /** Lower-cased scheme. */
    public scheme: string,
    /** Everything after the first `:`. */
    public opaque: string,
  ) {}

  /** `scheme:opaque`. */
  toString(): string {
    return `${this.scheme}:${this.opaque}`;
  }
}

/** Every URI the parser produces. */
export type Uri = SipUri | TelUri | AbsoluteUri;

function uriParamsToString(p: Params, sep: string, allowed: Uint8Array): string {
  let out = '';
  for (const { name, value } of p) {
    out += sep + escapePart(name, allowed);
    if (value !== null) out += `=${escapePart(value, allowed)}`;
  }
  return out;
}

function readUriParams(text: string, sep: string, allowed: Uint8Array, what: string, offset: number): Params {
  const list: Param[] = [];
  let at = offset;
  for (const part of text.split(sep)) {
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    if (rawName.length === 0) throw new SipParseError('BAD_URI', `empty ${what} name`, at);
    const name = unescapePart(rawName, allowed, what, at);
    const value = eq < 0 ? null : unescapePart(part.slice(eq + 1), allowed, what, at + eq + 1);
    list.push({ name, value });
    at += part.length + 1;
  }
  return new Params(list);
}

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/**
 * @internal -1 when `s` is an RFC 3261 `host` (a hostname, an IPv4address or an IPv6 reference),
 * otherwise the index where it stops being one (0 for a bad IPv6 reference).
 */
export function hostError(s: string): number {
  const n = s.length;
  if (s.charCodeAt(0) === 91) return isIPv6Reference(s) ? -1 : 0;
  const end = hostEnd(bytesOf(s, 0, n), 0, n);
  return end < 0 ? -1 - end : end < n ? end : -1;
}

/** Validates a host (hostname, IPv4 or bracketed IPv6 reference) and returns it. */
function checkHost(host: string, at: number): string {
  const bad = hostError(host);
  if (bad >= 0)
    throw new SipParseError(
      'BAD_URI',
      host.charCodeAt(0) === 91 ? 'bad IPv6 reference' : 'not a host',
      at + bad,
    );
  return host;
}

/**
 * Parses a URI. `sip`/`sips` and `tel` get a full model; any other scheme is kept as an
 * {@link AbsoluteUri}. Throws {@link SipParseError} with code `BAD_URI` on bad syntax.
 */
export function parseUri(text: string): Uri {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new SipParseError('BAD_URI', 'missing URI scheme', 0);
  const scheme = text.slice(0, colon);
  if (!SCHEME_RE.test(scheme)) throw new SipParseError('BAD_URI', 'bad URI scheme', 0);
  const lower = scheme.toLowerCase();
  for (let i = colon + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 127 || c === 60 || c === 62 || c === 34) {
      throw new SipParseError('BAD_URI', 'white space or delimiter inside URI', i);
    }
  }
  if (lower === 'sip' || lower === 'sips') return parseSip(text, lower, colon + 1);
  if (lower === 'tel') return parseTel(text, colon + 1);
  if (colon + 1 >= text.length) throw new SipParseError('BAD_URI', 'empty URI', colon);
  return new AbsoluteUri(lower, text.slice(colon + 1));
}

/**
 * @internal {@link parseUri} of a URI found at `offset` in a larger text: an error's position is
 * moved to that text, and its message gets `prefix` and names `header`.
 */
export function parseUriAt(text: string, offset: number, header?: string, prefix = ''): Uri {
  try {
    return parseUri(text);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    throw new SipParseError('BAD_URI', prefix + e.message, offset + Math.max(0, e.position), header);
  }
}

function parseSip(text: string, scheme: 'sip' | 'sips', start: number): SipUri {
  let p = start;
  let user: string | undefined;
  let password: string | undefined;
  // '@' cannot appear unescaped after the userinfo, so the first one ends it.
  const at = text.indexOf('@', p);
  if (at >= 0) {
    const userinfo = text.slice(p, at);
    const pc = userinfo.indexOf(':');
    const rawUser = pc < 0 ? userinfo : userinfo.slice(0, pc);
    if (rawUser.length === 0) throw new SipParseError('BAD_URI', 'empty user', p);
    user = unescapePart(rawUser, USER_CHARS, 'user', p);
    if (pc >= 0) password = unescapePart(userinfo.slice(pc + 1), PASSWORD_CHARS, 'password', p + pc + 1);
    p = at + 1;
  }
  let end = p;
  const len = text.length;
  if (text.charCodeAt(p) === 91) {
    end = text.indexOf(']', p);
    if (end < 0) throw new SipParseError('BAD_URI', 'unterminated IPv6 reference', p);
    end++;
  } else {
    while (end < len) {
      const c = text.charCodeAt(end);
      if (c === 58 || c === 59 || c === 63) break;
      end++;
    }
  }
  const host = checkHost(text.slice(p, end), p);
  let port: number | undefined;
  p = end;
  if (text.charCodeAt(p) === 58) {
    p++;
    const ps = p;
    let n = 0;
    while (p < len) {
      const c = text.charCodeAt(p);
      if (c < 48 || c > 57) break;
      n = n * 10 + c - 48;
      if (n > 65535) throw new SipParseError('BAD_URI', 'port out of range', ps);
      p++;
    }
    if (p === ps) throw new SipParseError('BAD_URI', 'missing port', ps);
    port = n;
  }
  let params: Params | undefined;
  let headers: Params | undefined;
  const q = text.indexOf('?', p);
  const paramEnd = q < 0 ? len : q;
  if (text.charCodeAt(p) === 59) {
    params = readUriParams(text.slice(p + 1, paramEnd), ';', PARAM_CHARS, 'URI parameter', p + 1);
    p = paramEnd;
  }
  if (p < len) {
    if (text.charCodeAt(p) !== 63) throw new SipParseError('BAD_URI', `unexpected '${text[p]}' in URI`, p);
    headers = readUriParams(text.slice(p + 1), '&', HEADER_CHARS, 'URI header', p + 1);
  }
  return new SipUri(scheme, host, user, port, params, headers, password);
}

const TEL_CHARS = /^\+?[0-9A-Fa-f*#.()\-pPwW]+$/;

function parseTel(text: string, start: number): TelUri {
  const semi = text.indexOf(';', start);
  const number = text.slice(start, semi < 0 ? text.length : semi);
  if (!TEL_CHARS.test(number)) throw new SipParseError('BAD_URI', 'bad telephone number', start);
  const params =
    semi < 0 ? undefined : readUriParams(text.slice(semi + 1), ';', PARAM_CHARS, 'tel parameter', semi + 1);
  return new TelUri(number, params);
}

/** @internal Where the URI the last successful {@link sipUriScan} took ends. */
export let uriScanStop = 0;

/**
 * @internal Fast path for the common `sip:` / `sips:` URI from `p` in `t` (up to `end`):
 * lower-case scheme, no escapes, no password, no URI headers, port up to 65535. Gives what
 * {@link parseUri} gives for the URI it took, parameters read only when used, and where it
 * stopped in {@link uriScanStop} (the caller checks what follows); undefined for anything else,
 * which parseUri then decides, errors included.
 */
export function sipUriScan(b: Uint8Array, t: string, p: number, end: number): SipUri | undefined {
  if (end - p < 5 || b[p] !== 115 || b[p + 1] !== 105 || b[p + 2] !== 112) return undefined;
  p += 3;
  const secure = b[p] === 115;
  if (secure) p++;
  if (b[p] !== 58) return undefined;
  p++;
  // The user part is the run of user characters when an '@' ends it; otherwise there is none
  // ('@' can appear nowhere else, so no shorter run could be the user).
  let user: string | undefined;
  let q = runEnd(b, p, end, USER);
  if (q > p && q < end && b[q] === 64) {
    user = t.slice(p, q);
    p = q + 1;
  }
  // host [":" port], as viaAt reads it too: a shared scanner (the host end and port left in
  // module variables) measured 1-9 % slower on full access, so each has its own copy.
  if (p < end && b[p] === 91) {
    q = runEnd(b, p + 1, end, IPV6);
    if (q === p + 1 || q >= end || b[q] !== 93 || !isIPv6Reference(t.slice(p, ++q))) return undefined;
  } else {
    q = hostEnd(b, p, end);
    if (q < 0) return undefined;
  }
  const host = t.slice(p, q);
  let port: number | undefined;
  if (q < end && b[q] === 58) {
    p = q + 1;
    q = runEnd(b, p, end, DIGIT);
    port = digitsAt(b, p, q, 5);
    if (port < 0 || port > 65535) return undefined;
  }
  // `*( ";" pname [ "=" pvalue ] )`: a name is not empty, a value may be.
  const params = q;
  while (q < end && b[q] === 59) {
    p = q + 1;
    q = runEnd(b, p, end, URI_PARAM);
    if (q === p) return undefined;
    if (q < end && b[q] === 61) q = runEnd(b, q + 1, end, URI_PARAM);
  }
  uriScanStop = q;
  return new SipUri(
    secure ? 'sips' : 'sip',
    host,
    user,
    port,
    Params.unread(t, params === q ? q : params + 1, q, true),
  );
}
