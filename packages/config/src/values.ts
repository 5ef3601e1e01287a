import { parseTokenWithParams, parseUri, quote, SipParseError, SipUri } from '@sipkit/parser';
import { ConfigError, type ConfigSource } from './errors.js';

/**
 * Why `autoStart: true` (SIP.js 0.7 `autostart`) is not honoured: sipkit never connects from a
 * constructor, where a failure would have nowhere to go.
 */
export const AUTOSTART = 'call start()';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Normalises an instance id to `urn:uuid:<uuid>`. JsSIP and SIP.js accept the bare UUID or a
 * `uuid:` prefix; a full `urn:uuid:` form is accepted too, since that is what goes on the wire.
 */
export function normaliseInstanceId(raw: string, source: ConfigSource, key: string): string {
  const bare = raw.replace(/^urn:uuid:/i, '').replace(/^uuid:/i, '');
  if (!UUID_RE.test(bare)) {
    throw new ConfigError(
      'INVALID_VALUE',
      key,
      source,
      'a UUID (8-4-4-4-12 hex), optionally prefixed with uuid:',
    );
  }
  return `urn:uuid:${bare}`;
}

/** Options for {@link toSipUri}. */
export interface SipUriRules {
  /** Prepend `sip:` when the text has no `sip:`/`sips:` scheme (JsSIP and SIP.js do). */
  prependSip?: boolean;
  /** The URI must have a user part (an AOR). */
  requireUser?: boolean;
  /** The URI must not have a user part (a registrar). */
  forbidUser?: boolean;
  /**
   * Allow `?headers`. Off by default: RFC 3261 section 19.1.1 (Table 1) allows them in neither a
   * Request-URI, To, From nor Route, where every URI but a Contact ends up.
   */
  headers?: boolean;
}

/** Parses a `sip:`/`sips:` URI with the parser, turning failures into a {@link ConfigError}. */
export function toSipUri(text: string, source: ConfigSource, key: string, rules: SipUriRules = {}): SipUri {
  let t = text.trim();
  if (rules.prependSip && !/^sips?:/i.test(t)) t = `sip:${t}`;
  const expected = `a sip: or sips: URI${rules.requireUser ? ' with a user part' : ''}${rules.forbidUser ? ' without a user part' : ''}`;
  let uri: ReturnType<typeof parseUri>;
  try {
    uri = parseUri(t);
  } catch (e) {
    // Only the code and position: the parser's message quotes input, and a URI may hold a password.
    if (e instanceof SipParseError)
      throw new ConfigError('INVALID_URI', key, source, expected, undefined, `${e.code} at ${e.position}`);
    throw e;
  }
  if (!(uri instanceof SipUri))
    throw new ConfigError('INVALID_URI', key, source, expected, undefined, 'wrong scheme');
  const refused = sentUriRefusal(uri, rules.headers);
  if (refused) throw new ConfigError('INVALID_URI', key, source, expected, undefined, refused);
  if (rules.requireUser && uri.user === undefined) {
    throw new ConfigError('INVALID_URI', key, source, expected, undefined, 'no user part');
  }
  if (rules.forbidUser && uri.user !== undefined) {
    throw new ConfigError('INVALID_URI', key, source, expected, undefined, 'has a user part');
  }
  return uri;
}

/**
 * Why a URI that sipkit will send may not be used as it is, or undefined: a password (RFC 3261
 * section 19.1.1 says not to use one; it would go out in every request and show wherever the URI
 * is) or, unless `headers`, `?headers` (Table 1: not in a Request-URI, To, From, Route or
 * Record-Route). The reason never quotes the URI.
 */
export function sentUriRefusal(uri: SipUri, headers = false): string | undefined {
  if (uri.password !== undefined) return 'has a password';
  if (!headers && uri.headers.size > 0) return 'has ?headers';
  return undefined;
}

/** The default registrar of an AOR: the URI without its user (and password). */
export function registrarFromAor(aor: SipUri, keepParams: boolean): SipUri {
  const r = aor.clone();
  r.user = undefined;
  r.password = undefined;
  if (!keepParams) {
    for (const p of [...r.params]) r.params.delete(p.name);
    for (const h of [...r.headers]) r.headers.delete(h.name);
  }
  return r;
}

/** A WebSocket (or SIP.js 0.7 `udp://`) server URL split into its parts. */
export interface ServerUrl {
  url: string;
  scheme: 'ws' | 'wss' | 'udp';
  host: string;
  port?: number;
}

const URL_RE =
  /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[0-9A-Fa-f:.]+\]|[^/:?#[\]@\s]+)(?::(\d{1,5}))?([/?#][^\s]*)?$/;

/** Parses a server URL; `schemes` lists what the source system accepts. */
export function parseServerUrl(
  text: string,
  source: ConfigSource,
  key: string,
  schemes: readonly ('ws' | 'wss' | 'udp')[],
): ServerUrl {
  const expected = `a ${schemes.map((s) => `${s}://`).join(' or ')} URL`;
  const m = URL_RE.exec(text.trim());
  if (!m) throw new ConfigError('INVALID_URI', key, source, expected);
  const scheme = m[1]!.toLowerCase() as ServerUrl['scheme'];
  if (!schemes.includes(scheme))
    throw new ConfigError('INVALID_URI', key, source, expected, undefined, 'wrong scheme');
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new ConfigError('INVALID_URI', key, source, expected, undefined, 'port out of range');
  }
  return { url: text.trim(), scheme, host: m[2]!, port };
}

/**
 * The SIP URI that stands for a WebSocket server (`sip:host[:port];transport=ws`). RFC 7118
 * writes `ws` even for a secure socket; SIP.js 0.7's `hackWssInTransport` writes `wss`.
 */
export function serverSipUri(server: ServerUrl, transportParam: string): SipUri {
  const uri = toSipUri(`sip:${server.host}`, 'jssip', 'server');
  uri.port = server.port;
  uri.params.set('transport', transportParam);
  return uri;
}

/**
 * The transport a `sip:` / `sips:` next hop is reached over: its `transport` parameter, except
 * that a `sips:` URI goes over TLS unless that parameter names a secure transport already (`tls`,
 * `wss`). RFC 3261 sections 19.1 and 26.2.2: sips requires TLS on every hop, and `transport=tcp`
 * there means TLS over TCP; pjproject resolves a sips: target so (sip_util.c, ticket 1319), and
 * Asterisk builds its Contact so. Undefined: a `sip:` URI without `transport`.
 */
export function hopTransport(uri: SipUri): string | undefined {
  const t = uri.transport;
  return uri.scheme === 'sips' && t !== 'tls' && t !== 'wss' ? 'tls' : t;
}

/** A SIP.js `hackIpInContact` / `viaHost` value: a bracketed IPv6 address or a hostname / IPv4 address. */
export const HOST_RE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)$/;

/** What a Contact URI user part option must be, for errors. */
export const URI_USER = 'a SIP URI user part (escape other characters as %XX)';

/** What an extra `Supported:` option tag must be, for errors. */
export const OPTION_TAG = 'an option tag: a token';

/** What a Contact header parameter option must hold, for errors. */
export const CONTACT_HEADER_PARAMS =
  'Contact header parameters name[=value] (value a token, host or quoted-string), joined by ;';

/**
 * The Contact header parameters `text` holds, one `name[=value]` each as the parser reads them
 * (white space around `;` and `=` dropped, quoted values quoted again), or undefined unless it is
 * RFC 3261 generic-params (section 25.1: `token [ "=" ( token / host / quoted-string ) ]`) joined
 * by `;`: each is written after the Contact's `>` as it is.
 */
export function contactHeaderParams(text: string): string[] | undefined {
  try {
    return [...parseTokenWithParams(`x;${text}`, 'contact').params].map(({ name, value, quoted }) =>
      value === null ? name : `${name}=${quoted ? quote(value) : value}`,
    );
  } catch {
    return undefined;
  }
}

/**
 * True when a Contact URI written with `user` and `params` as they are
 * (`sip:user@host;name=value`) reads back with the same number of parameters and no headers:
 * no character that ends the URI or starts another part.
 */
export function fitsContactUri(user: string, params: Record<string, string | null> = {}): boolean {
  const list = Object.entries(params);
  let text = `sip:${user}@h`;
  for (const [name, value] of list) text += value === null ? `;${name}` : `;${name}=${value}`;
  try {
    const uri = parseUri(text);
    return uri instanceof SipUri && uri.params.size === list.length && uri.headers.size === 0;
  } catch {
    return false;
  }
}
