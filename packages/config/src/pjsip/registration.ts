import { parseNameAddr, parseTokenWithParams, parseUri, SipParseError, SipUri } from '@sipkit/parser';
import { type AdapterOptions, chooseProfile, defaultSession } from '../adapter-options.js';
import { ConfigError } from '../errors.js';
import { isOneLine } from '../option-bag.js';
import { PROFILE_DEFAULTS } from '../profiles.js';
import {
  type DigestAlgorithm,
  type DigestCredential,
  GRACEFUL_SHUTDOWN_SECONDS,
  type TransportProtocol,
  type UnsupportedOption,
  type UserAgentConfig,
} from '../types.js';
import {
  CONTACT_HEADER_PARAMS,
  contactHeaderParams,
  fitsContactUri,
  hopTransport,
  sentUriRefusal,
  toSipUri,
  URI_USER,
} from '../values.js';
import { parseAlgorithmList, readAuth } from './auth.js';
import type { PjsipDocument, PjsipSection } from './document.js';
import { type ReadFile, readPjsipConf } from './reader.js';
import { SectionReader, variableError } from './section-reader.js';
import { readTransport } from './transport.js';

/** Every option of `type=registration` (res_pjsip_outbound_registration.c). */
export const REGISTRATION_OPTIONS = [
  'type',
  'server_uri',
  'client_uri',
  'contact_user',
  'contact_header_params',
  'expiration',
  'max_retries',
  'retry_interval',
  'forbidden_retry_interval',
  'fatal_retry_interval',
  'auth_rejection_permanent',
  'max_random_initial_delay',
  'outbound_auth',
  'outbound_proxy',
  'transport',
  'line',
  'endpoint',
  'support_path',
  'support_outbound',
  'user_agent',
  'security_negotiation',
  'security_mechanisms',
] as const;

/** Asterisk's global `user_agent` default, without the version Asterisk appends. */
export const ASTERISK_USER_AGENT = 'Asterisk PBX';
/** Asterisk's global `keep_alive_interval` default in seconds. */
export const ASTERISK_KEEP_ALIVE_INTERVAL = 90;

/** Options for {@link fromPjsip}. */
export interface FromPjsipOptions extends AdapterOptions {
  /** Name of the `type=registration` section; optional when there is exactly one. */
  registration?: string;
  /** Resolves `#include` / `#tryinclude` (file reading is injected to stay browser-safe). */
  readFile?: ReadFile;
  /** Name of the top-level file, for error locations. */
  fileName?: string;
}

/**
 * Reads pjsip.conf text and maps one `type=registration` section, with the `type=auth` sections
 * of its `outbound_auth`, its `type=transport` and the `type=global` defaults, to a
 * {@link UserAgentConfig} with the `asterisk` profile.
 */
export function fromPjsip(text: string, options: FromPjsipOptions = {}): UserAgentConfig {
  const doc = readPjsipConf(text, { readFile: options.readFile, fileName: options.fileName });
  return fromPjsipDocument(doc, options);
}

/** As {@link fromPjsip}, for a document already read with `readPjsipConf`. */
export function fromPjsipDocument(doc: PjsipDocument, options: FromPjsipOptions = {}): UserAgentConfig {
  const section = selectRegistration(doc, options.registration);
  const r: SectionReader = new SectionReader(section, REGISTRATION_OPTIONS);
  const unsupported: UnsupportedOption[] = [];

  const global = readGlobal(doc);
  const serverUri = asteriskUri(r, 'server_uri');
  const clientUri = asteriskUri(r, 'client_uri');

  const expiration = r.uint('expiration', PROFILE_DEFAULTS.asterisk.expiration, 1);
  const profileParams = {
    ...PROFILE_DEFAULTS.asterisk,
    expiration,
    retryInterval: r.uint('retry_interval', PROFILE_DEFAULTS.asterisk.retryInterval),
    forbiddenRetryInterval: r.uint(
      'forbidden_retry_interval',
      PROFILE_DEFAULTS.asterisk.forbiddenRetryInterval,
    ),
    fatalRetryInterval: r.uint('fatal_retry_interval', PROFILE_DEFAULTS.asterisk.fatalRetryInterval),
    maxRetries: r.uint('max_retries', PROFILE_DEFAULTS.asterisk.maxRetries),
    authRejectionPermanent: r.bool(
      'auth_rejection_permanent',
      PROFILE_DEFAULTS.asterisk.authRejectionPermanent,
    ),
    maxRandomInitialDelay: r.uint(
      'max_random_initial_delay',
      PROFILE_DEFAULTS.asterisk.maxRandomInitialDelay,
    ),
  };

  const line = r.bool('line', false);
  const endpoint = r.string('endpoint') || undefined;
  if (line && !endpoint) r.fail('CONFLICT', 'line', 'line=yes together with endpoint=<name>');
  if (!line && endpoint) r.fail('CONFLICT', 'endpoint', 'endpoint only together with line=yes');

  const outboundProxy = readOutboundProxy(r);

  const digest: DigestCredential[] = [];
  for (const name of r.list('outbound_auth')) {
    const auth = doc.object('auth', name);
    if (!auth) r.fail('UNKNOWN_SECTION', 'outbound_auth', `a [${name}] section with type=auth`);
    const read = readAuth(auth, global.algorithms);
    if (read.credential) digest.push(read.credential);
    unsupported.push(...read.unsupported);
  }

  let localTransport: UserAgentConfig['localTransport'];
  const transportName = r.string('transport') || undefined;
  if (transportName) {
    const t = doc.object('transport', transportName);
    if (!t) r.fail('UNKNOWN_SECTION', 'transport', `a [${transportName}] section with type=transport`);
    const read = readTransport(t);
    localTransport = read.transport;
    unsupported.push(...read.unsupported);
  }

  const supported: string[] = [];
  if (r.bool('support_path', false)) supported.push('path');
  if (r.bool('support_outbound', false)) supported.push('outbound');
  const negotiation = (r.string('security_negotiation') ?? 'no').toLowerCase();
  if (negotiation !== 'no' && negotiation !== 'mediasec')
    r.fail('INVALID_VALUE', 'security_negotiation', 'no or mediasec');
  const securityAgreement = negotiation === 'mediasec' ? readSecurityMechanisms(r) : undefined;
  if (!securityAgreement)
    r.unsupportedIfSet(
      'security_mechanisms',
      'ignored without security_negotiation=mediasec, as in Asterisk',
    );
  unsupported.unshift(...r.unsupported);

  // The Contact's transport comes from server_uri, not from transport= (an Asterisk quirk kept
  // on purpose); a sips: server_uri makes it TLS, as Asterisk's contact builder does.
  const contactTransport = hopTransport(serverUri);
  const uriProtocol = protocolOf(serverUri);
  const nextHop = outboundProxy ?? serverUri;
  const hopProtocol = outboundProxy ? (protocolOf(outboundProxy, uriProtocol) ?? uriProtocol) : uriProtocol;

  // Both are written into the Contact as they are: refused unless they read back as written.
  const contactUser = r.string('contact_user');
  if (contactUser && !fitsContactUri(contactUser)) r.fail('INVALID_VALUE', 'contact_user', URI_USER);
  const paramsText = r.string('contact_header_params');
  const headerParams = paramsText
    ? (contactHeaderParams(paramsText) ??
      r.fail('INVALID_VALUE', 'contact_header_params', `${CONTACT_HEADER_PARAMS} (write ; as \\;)`))
    : [];
  return {
    source: 'pjsip',
    profile: options.profile === 'sipkit' ? 'sipkit' : 'asterisk',
    profileParams: chooseProfile(profileParams, expiration, options),
    identity: {
      aor: clientUri,
      authorizationUser: digest[0]?.username ?? clientUri.user ?? '',
    },
    credentials: { digest },
    servers: [
      {
        uri: hostUri(nextHop),
        transport: localTransport?.protocol ?? hopProtocol ?? 'udp',
        weight: 0,
      },
    ],
    extraHeaders: [],
    routeSet: outboundProxy ? [outboundProxy] : [],
    preloadedRouteFromServer: false,
    contact: {
      user: contactUser || 's',
      randomTestNetHost: false,
      uriParams:
        contactTransport && contactTransport !== 'udp' ? { transport: contactTransport.toUpperCase() } : {},
      headerParams,
      outbound: false,
      instanceIdAlwaysAdded: false,
      line,
    },
    registration: {
      enabled: true,
      registrar: serverUri,
      expires: expiration,
      extraHeaders: [],
      supported,
      endpoint,
      securityAgreement,
      stackUserAgent: global.userAgent,
    },
    connection: {
      reconnect: { kind: 'reregister-on-close' },
      keepAliveInterval: global.keepAliveInterval,
      // pjsip_transport_management.c sends keep-alives and never looks for a pong.
      keepAlivePongTimeout: global.keepAliveInterval > 0 ? 0 : undefined,
      // ... and sends them on a fixed timer, every keep_alive_interval seconds exactly.
      keepAliveJitter: global.keepAliveInterval > 0 ? false : undefined,
    },
    localTransport,
    via: { forceRport: true },
    session: defaultSession(),
    media: {},
    userAgent: userAgentOf(r.section) || global.userAgent,
    lifecycle: { autoStop: true, gracefulShutdown: GRACEFUL_SHUTDOWN_SECONDS },
    traceSip: false,
    unsupported,
  };
}

/**
 * The `user_agent` of `section`, refused when it holds CR or LF: it is written into User-Agent
 * and Server lines. Only a document built in code can hold one (the lexer ends lines there).
 */
function userAgentOf(section: PjsipSection): string | undefined {
  const v = section.last('user_agent');
  if (v && !isOneLine(v.value))
    throw variableError(section, v, 'INVALID_VALUE', 'a User-Agent value without line breaks');
  return v?.value;
}

function selectRegistration(doc: PjsipDocument, name: string | undefined): PjsipSection {
  const regs = doc.objects('registration');
  const names = regs.map((s) => s.name).join(', ') || 'none';
  if (name !== undefined) {
    const found = regs.filter((s) => s.name === name);
    if (found.length === 0) {
      throw new ConfigError(
        'UNKNOWN_SECTION',
        name,
        'pjsip',
        `a [${name}] section with type=registration (found: ${names})`,
      );
    }
    return found[found.length - 1]!;
  }
  if (regs.length !== 1) {
    throw new ConfigError(
      regs.length === 0 ? 'MISSING' : 'UNKNOWN_SECTION',
      'registration',
      'pjsip',
      `exactly one type=registration section, or options.registration naming one (found: ${names})`,
    );
  }
  return regs[0]!;
}

function readGlobal(doc: PjsipDocument): {
  userAgent: string;
  keepAliveInterval: number;
  algorithms: DigestAlgorithm[];
} {
  const g = doc.objects('global')[0];
  const out = {
    userAgent: ASTERISK_USER_AGENT,
    keepAliveInterval: ASTERISK_KEEP_ALIVE_INTERVAL,
    algorithms: ['MD5'] as DigestAlgorithm[],
  };
  if (!g) return out;
  // Only the global options that shape an outbound registration are read; the rest belong to
  // Asterisk's server side and are not validated here.
  const ua = userAgentOf(g);
  if (ua) out.userAgent = ua;
  const ka = g.last('keep_alive_interval');
  if (ka) {
    if (!/^\d+$/.test(ka.value)) throw variableError(g, ka, 'INVALID_VALUE', 'an unsigned integer (seconds)');
    out.keepAliveInterval = Number(ka.value);
  }
  const algs = g.last('default_auth_algorithms_uac');
  if (algs) {
    const list = parseAlgorithmList(algs.value);
    if (!list) throw variableError(g, algs, 'INVALID_VALUE', 'a comma list of MD5, SHA-256, SHA-512-256');
    out.algorithms = list;
  }
  return out;
}

/** server_uri / client_uri: required, sip:/sips:, at most 511 characters, host under 256. */
function asteriskUri(r: SectionReader, key: 'server_uri' | 'client_uri'): SipUri {
  const v = r.string(key);
  const expected = 'a sip: or sips: URI of at most 511 characters (required)';
  if (!v) r.fail('MISSING', key, expected);
  if (v.length > 511) r.fail('OUT_OF_RANGE', key, expected, 'too long');
  let uri: SipUri;
  try {
    uri = toSipUri(v, 'pjsip', r.keyName(key));
  } catch (e) {
    if (e instanceof ConfigError) r.fail('INVALID_URI', key, expected, e.detail);
    throw e;
  }
  if (uri.host.length >= 256) r.fail('OUT_OF_RANGE', key, expected, 'host too long');
  return uri;
}

/** outbound_proxy is parsed as a Route value and used verbatim (no `;lr` added). */
function readOutboundProxy(r: SectionReader): SipUri | undefined {
  const v = r.string('outbound_proxy');
  if (!v) return undefined;
  let uri: unknown;
  try {
    uri = v.includes('<') ? parseNameAddr(v, 'route').uri : parseUri(v);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
  }
  const expected = 'a SIP URI such as sip:proxy.example.com\\;lr (write ; as \\;)';
  if (!(uri instanceof SipUri)) r.fail('INVALID_URI', 'outbound_proxy', expected);
  const refused = sentUriRefusal(uri);
  if (refused) r.fail('INVALID_URI', 'outbound_proxy', expected, refused);
  return uri;
}

function protocolOf(uri: SipUri, fallback?: TransportProtocol): TransportProtocol | undefined {
  const t = hopTransport(uri);
  if (t === 'udp' || t === 'tcp' || t === 'tls' || t === 'ws' || t === 'wss') return t;
  return t === undefined ? (fallback ?? 'udp') : fallback;
}

function hostUri(uri: SipUri): SipUri {
  const u = uri.clone();
  u.user = undefined;
  u.password = undefined;
  return u;
}

/** RFC 3329 mechanism names Asterisk accepts in `security_mechanisms` (security_agreements.c). */
const MEDIASEC_MECHANISMS = new Set(['msrp-tls', 'sdes-srtp', 'dtls-srtp']);

/**
 * `security_mechanisms` for mediasec: `<mech>[;param]*[;q=x]`, comma-separated, each written into
 * Security-Client as it is, so each must read as a token with generic-params (RFC 3329).
 */
function readSecurityMechanisms(r: SectionReader): { mechanisms: string[] } {
  const mechanisms = r.list('security_mechanisms');
  const expected = 'a comma list of msrp-tls, sdes-srtp or dtls-srtp, each with optional ;params';
  for (const m of mechanisms) {
    let name = '';
    try {
      name = parseTokenWithParams(m, 'security-client').value.toLowerCase();
    } catch {}
    if (!MEDIASEC_MECHANISMS.has(name)) r.fail('INVALID_VALUE', 'security_mechanisms', expected);
  }
  return { mechanisms };
}
