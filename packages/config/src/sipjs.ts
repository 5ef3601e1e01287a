import { isToken, parseNameAddr, parseUri, SipParseError, SipUri } from '@sipkit/parser';
import { type AdapterOptions, chooseProfile, defaultSession } from './adapter-options.js';
import { ConfigError } from './errors.js';
import { isUndefined, OptionBag, typeOf } from './option-bag.js';
import { sipJsExtraSupported } from './option-tags.js';
import { PROFILE_DEFAULTS } from './profiles.js';
import { hideSecrets } from './secrets.js';
import { sipJsContactUser, uriParamText } from './sipjs-contact.js';
import {
  GRACEFUL_SHUTDOWN_SECONDS,
  type ReconnectPolicy,
  type SessionConfig,
  type UserAgentConfig,
} from './types.js';
import {
  AUTOSTART,
  CONTACT_HEADER_PARAMS,
  contactHeaderParams,
  fitsContactUri,
  HOST_RE,
  normaliseInstanceId,
  parseServerUrl,
  registrarFromAor,
  sentUriRefusal,
  serverSipUri,
  toSipUri,
} from './values.js';

/** Something that prints as a SIP URI: a SIP.js `URI` object or a string. */
export type UriLike =
  | string
  | {
      /** Returns the URI text; a plain object that only inherits `Object.prototype.toString` is rejected. */
      toString(): string;
    };

/**
 * SIP.js 0.21 `UserAgentOptions` (see the package README for the mapping). Only `undefined` means
 * "use the default"; keys SIP.js does not have end up in `unsupported`.
 */
export interface SipJsUserAgentOptions {
  /**
   * Address of record (user part required). Default `sip:anonymous@anonymous.invalid`, flagged as
   * `identity.anonymous`.
   */
  uri?: UriLike;
  /** Digest username; `""` counts as unset (default: the user part of `uri`). */
  authorizationUsername?: string;
  /** Digest password for any realm (MD5); ignored when `authorizationHa1` is set. */
  authorizationPassword?: string;
  /** Pre-computed MD5 HA1 (32 hex digits), used instead of the password for any realm. */
  authorizationHa1?: string;
  /**
   * Contact user part (default: random). Maps to `contact.user`, %XX-escaped as SIP.js writes it
   * (`alice@example.com` goes out as `alice%40example.com`).
   */
  contactName?: string | number;
  /**
   * Contact URI parameters; replaces the default `{ transport: 'ws' }`. Maps to `contact.uriParams`:
   * names lowercased (an empty one skipped), `null` / `undefined` a flag, numbers and booleans as
   * text, and characters a URI parameter cannot hold (quotes, `<`, `>`, spaces, `;`) %XX-escaped
   * where SIP.js would write them raw.
   */
  contactParams?: Record<string, string | number | boolean | null | undefined>;
  /** Display name for From/To; `""` means none. */
  displayName?: string;
  /** Always add `;rport` to Via (default false). */
  forceRport?: boolean;
  /**
   * `true`: a random TEST-NET-1 address (192.0.2.x) as Contact/Via host; a string: that host (default false).
   */
  hackIpInContact?: boolean | string;
  /** Write `TCP` as the Via transport (default false). Maps to `via.transportOverride`. */
  hackViaTcp?: boolean;
  /** Allow option tags that are not IANA-registered in `sipExtensionExtraSupported` (default false). */
  hackAllowUnregisteredOptionTags?: boolean;
  /**
   * The user agent's RFC 5626 instance UUID; REGISTER uses it only when `regId` > 0 and the registerer has
   * none.
   */
  instanceId?: string;
  /** Add `+sip.instance` to every Contact, not only REGISTER's (default false). */
  instanceIdAlwaysAdded?: boolean;
  /** Seconds before an unanswered incoming call is rejected (>= 0, default 60). */
  noAnswerTimeout?: number;
  /**
   * Route values (`<sip:proxy.example.com;lr>`) preloaded on out-of-dialog requests, used verbatim. Maps to
   * `routeSet`.
   */
  preloadedRouteSet?: string[];
  /** How many times to reconnect after the connection is lost (integer >= 0, default 0). */
  reconnectionAttempts?: number;
  /** Seconds between reconnect attempts after the first, immediate one (>= 0, default 4). */
  reconnectionDelay?: number;
  /** RFC 3262 100rel: `'Required'`, `'Supported'` or `'Unsupported'` (default `'Unsupported'`). */
  sipExtension100rel?: string;
  /** RFC 3891 Replaces: `'Required'`, `'Supported'` or `'Unsupported'` (default `'Unsupported'`). */
  sipExtensionReplaces?: string;
  /** Extra option tags for `Supported:` (default none). Maps to `session.extraSupported`. */
  sipExtensionExtraSupported?: string[];
  /** Web transport options; `server` is required. */
  transportOptions?: SipJsTransportOptions;
  /** `User-Agent` header value (default {@link SIPJS_USER_AGENT}). */
  userAgentString?: string;
  /** Host for Via sent-by and Contact (default: random `.invalid` name). Maps to `contact.host`. */
  viaHost?: string;
  /** Unregister and end sessions before stopping (default true). */
  gracefulShutdown?: boolean;
  /** Start (connect) when constructed (default false). */
  autoStart?: boolean;
  /** Stop when the page unloads (default true). */
  autoStop?: boolean;
  /**
   * Media and other SIP.js options; the SDP handler factory and its options go to `media`, the rest to
   * `unsupported`.
   */
  [option: string]: unknown;
}

/** Options of SIP.js 0.21's web `Transport`. */
export interface SipJsTransportOptions {
  /**
   * Required. WebSocket URL (`ws://` or `wss://`); deprecated `wsServers` is read when absent. Maps to
   * `servers[0]`.
   */
  server?: string;
  /** Seconds allowed for the WebSocket to open (>= 0, default 5). */
  connectionTimeout?: number;
  /** Seconds between CRLF keep-alives; 0 turns them off (default 0). */
  keepAliveInterval?: number;
  /** Minimum seconds between two keep-alives (>= 0, default 10). */
  keepAliveDebounce?: number;
  /** Log SIP messages (default true). */
  traceSip?: boolean;
  /**
   * Deprecated `wsServers`, `maxReconnectionAttempts`, `reconnectionTimeout` are honoured; others are
   * unsupported.
   */
  [option: string]: unknown;
}

/** SIP.js 0.21 `RegistererOptions`. */
export interface SipJsRegistererOptions {
  /**
   * Requested expiry in seconds (>= 0; unset or 0 means 600). Maps to `registration.expires` and the `sipjs`
   * profile.
   */
  expires?: number;
  /** Refresh after this percentage of the granted expiry (50..99, default 99). */
  refreshFrequency?: number;
  /** REGISTER Request-URI (default: `uri` without its user part, parameters kept). */
  registrar?: UriLike;
  /**
   * RFC 5626 reg-id (integer >= 0, default 0). Above 0, REGISTER carries reg-id and `+sip.instance`,
   * borrowing the user agent's `instanceId` when the registerer has none.
   */
  regId?: number;
  /** RFC 5626 instance UUID for REGISTER; when set, reg-id becomes at least 1. */
  instanceId?: string;
  /** Header lines (`Name: value`) added to every REGISTER. */
  extraHeaders?: string[];
  /** Contact header parameters (`name[=value]`) appended after `>`. Maps to `contact.headerParams`. */
  extraContactHeaderParams?: string[];
  /** Overrides of REGISTER's From/To. Maps to `registration.requestOverrides`. */
  params?: {
    /** From URI instead of the AOR. */
    fromUri?: UriLike;
    /** To URI instead of the AOR. */
    toUri?: UriLike;
    /** Fixed From tag instead of a random one. */
    fromTag?: string;
    /** From display name instead of the user agent's. */
    fromDisplayName?: string;
    /** To display name. */
    toDisplayName?: string;
  };
  /** SIP.js logging switch; listed in `unsupported` (sipkit logs through an injected logger). */
  logConfiguration?: boolean;
  /** Any other key is not a `RegistererOptions` option and is reported in `unsupported`. */
  [option: string]: unknown;
}

const PARAM_VALUES = 'an object of string, number or boolean values (null for a flag)';

/** SIP.js 0.21's User-Agent default. */
export const SIPJS_USER_AGENT = 'SIP.js/0.21.2';

/**
 * Maps SIP.js 0.21 `UserAgentOptions` plus the `RegistererOptions` of its `Registerer` to a
 * {@link UserAgentConfig} with the `sipjs` profile. Only `undefined` means "default" here, as in
 * SIP.js; invalid values throw {@link ConfigError}.
 */
export function fromSipJs(
  userAgentOptions: SipJsUserAgentOptions,
  registererOptions: SipJsRegistererOptions = {},
  options?: AdapterOptions,
): UserAgentConfig {
  if (typeof userAgentOptions !== 'object' || userAgentOptions === null) {
    throw new ConfigError('INVALID_TYPE', '(userAgentOptions)', 'sipjs', 'a UserAgentOptions object');
  }
  if (typeof registererOptions !== 'object' || registererOptions === null) {
    throw new ConfigError('INVALID_TYPE', '(registererOptions)', 'sipjs', 'a RegistererOptions object');
  }
  const u: OptionBag = new OptionBag('sipjs', userAgentOptions as Record<string, unknown>, isUndefined);
  const r: OptionBag = new OptionBag(
    'sipjs',
    registererOptions as Record<string, unknown>,
    isUndefined,
    (k) => [k],
    'registerer.',
  );

  const uriRaw = u.raw('uri');
  const aor =
    uriRaw === undefined
      ? toSipUri('sip:anonymous@anonymous.invalid', 'sipjs', 'uri')
      : toSipUri(uriText(u, 'uri', uriRaw), 'sipjs', 'uri', { requireUser: true });

  // SIP.js treats "" as "not set" for the credential strings.
  const username = u.username(
    'authorizationUsername',
    aor,
    'uri',
    nonEmpty(u.string('authorizationUsername')),
  );
  const password = nonEmpty(u.string('authorizationPassword'));
  const ha1 = nonEmpty(u.string('authorizationHa1'));
  if (ha1 !== undefined && !/^[0-9a-f]{32}$/i.test(ha1)) {
    u.fail('INVALID_VALUE', 'authorizationHa1', 'an MD5 HA1: 32 hexadecimal digits');
  }
  const digest: UserAgentConfig['credentials']['digest'] = [];
  // A non-empty HA1 is used instead of the password, for any realm, as it is (no realm check).
  if (ha1 !== undefined) digest.push(hideSecrets({ username, ha1: { MD5: ha1.toLowerCase() } }));
  else if (password !== undefined) digest.push(hideSecrets({ username, password, ha1: {} }));

  // The Contact user and URI parameters as SIP.js writes them (sipjs-contact.ts).
  // SIP.js writes whatever it is given as text (a number too).
  const contactNameText = nonEmpty(u.stringified('contactName'));
  const contactName = contactNameText === undefined ? undefined : sipJsContactUser(contactNameText);
  if (contactNameText !== undefined && !(contactName !== undefined && fitsContactUri(contactName)))
    u.fail(
      'INVALID_VALUE',
      'contactName',
      'a Contact user SIP.js can write (% only in %XX escapes, no second :)',
    );
  const contactParamsRaw = u.raw('contactParams');
  let contactParams: Record<string, string | null> = { transport: 'ws' };
  if (contactParamsRaw !== undefined) {
    if (
      typeof contactParamsRaw !== 'object' ||
      contactParamsRaw === null ||
      Array.isArray(contactParamsRaw)
    ) {
      u.fail('INVALID_TYPE', 'contactParams', PARAM_VALUES, `got ${typeOf(contactParamsRaw)}`);
    }
    contactParams = {};
    for (const [k, v] of Object.entries(contactParamsRaw as Record<string, unknown>)) {
      // SIP.js lowercases the name, writes null / undefined as a flag and anything else as text.
      if (v != null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        u.fail('INVALID_TYPE', 'contactParams', PARAM_VALUES, `${k} is ${typeOf(v)}`);
      if (k === '') continue; // SIP.js skips a parameter without a name
      const name = uriParamText(k.toLowerCase());
      const value = v == null ? null : uriParamText(String(v));
      if (!name || value === undefined) u.fail('INVALID_VALUE', 'contactParams', 'URI parameter text');
      contactParams[name] = value;
    }
  }
  if (!fitsContactUri('u', contactParams))
    u.fail('INVALID_VALUE', 'contactParams', 'SIP URI parameter names and values');

  let viaHost = nonEmpty(u.string('viaHost'));
  let randomTestNetHost = false;
  const hackIp = u.raw('hackIpInContact');
  if (typeof hackIp === 'boolean') randomTestNetHost = hackIp;
  else if (typeof hackIp === 'string') {
    if (!HOST_RE.test(hackIp))
      u.fail('INVALID_VALUE', 'hackIpInContact', 'true, false or a host name / IP address');
    viaHost = hackIp;
  } else if (hackIp !== undefined) {
    u.fail('INVALID_TYPE', 'hackIpInContact', 'true, false or a host string', `got ${typeOf(hackIp)}`);
  }
  if (viaHost !== undefined && !HOST_RE.test(viaHost))
    u.fail('INVALID_VALUE', 'viaHost', 'a host name or IP address');

  const uaInstance = u.string('instanceId');
  const uaInstanceId =
    uaInstance === undefined ? undefined : normaliseInstanceId(uaInstance, 'sipjs', 'instanceId');
  const regInstance = r.string('instanceId');
  const regInstanceId =
    regInstance === undefined
      ? undefined
      : normaliseInstanceId(regInstance, 'sipjs', 'registerer.instanceId');
  let regId = r.number('regId', { integer: true, min: 0 }) ?? 0;
  // registerer.ts: regId > 0 borrows the UA instance id; an instance id forces reg-id 1.
  let instanceId = regInstanceId;
  let outbound = false;
  if (regId > 0 && instanceId === undefined) {
    instanceId = uaInstanceId;
    outbound = true;
  } else if (instanceId !== undefined) {
    if (regId === 0) regId = 1;
    outbound = true;
  }

  const preloadedRouteSet = (u.stringArray('preloadedRouteSet') ?? []).map((route, i) =>
    parseRoute(route, `preloadedRouteSet[${i}]`),
  );

  const reconnect: ReconnectPolicy = {
    kind: 'fixed',
    attempts: u.number('reconnectionAttempts', { integer: true, min: 0 }) ?? 0,
    delay: u.number('reconnectionDelay', { min: 0 }) ?? 4,
  };
  const transport = readTransportOptions(u, reconnect);

  const session = readSession(u);
  const userAgent = u.oneLine('userAgentString', 'a User-Agent value') ?? SIPJS_USER_AGENT;
  const displayName = u.oneLine('displayName', 'a display name');
  const media: Record<string, unknown> = {};
  for (const k of ['sessionDescriptionHandlerFactory', 'sessionDescriptionHandlerFactoryOptions']) {
    const v = u.raw(k);
    if (v !== undefined) media[k] = v;
  }
  if (u.bool('autoStart')) u.unsupportedIfSet('autoStart', AUTOSTART);
  const lifecycle = {
    autoStop: u.bool('autoStop') ?? true,
    gracefulShutdown: (u.bool('gracefulShutdown') ?? true) ? GRACEFUL_SHUTDOWN_SECONDS : 0,
  };
  const forceRport = u.bool('forceRport') ?? false;
  const hackViaTcp = u.bool('hackViaTcp') ?? false;
  const instanceIdAlwaysAdded = u.bool('instanceIdAlwaysAdded') ?? false;

  u.unsupportedIfSet('delegate', 'sipkit reports user agent events through on(event, fn)');
  u.unsupportedIfSet('transportConstructor', 'sipkit picks its own transport from the server URL');
  u.unsupportedIfSet('allowLegacyNotifications', 'sipkit does not deliver out-of-dialog NOTIFY requests');
  u.unsupportedIfSet('sipjsId', 'sipkit builds Call-IDs and tags from its injected random source');
  for (const k of ['logBuiltinEnabled', 'logConfiguration', 'logConnector', 'logLevel']) {
    u.unsupportedIfSet(k, 'sipkit logs through an injected logger');
  }
  u.reportRest('not a SIP.js 0.21 UserAgentOptions option');

  // registerer.ts: `options.expires || 600`, so 0 also means 600; negative values throw.
  const expiresRaw = r.number('expires', { min: 0 });
  const expires = expiresRaw === undefined || expiresRaw === 0 ? 600 : expiresRaw;
  const refreshFrequency = r.number('refreshFrequency', { min: 50, max: 99 }) ?? 99;
  const registrarRaw = r.raw('registrar');
  const registrar =
    registrarRaw === undefined
      ? registrarFromAor(aor, true)
      : toSipUri(uriText(r, 'registrar', registrarRaw), 'sipjs', 'registerer.registrar');
  const extraHeaders = r.headerLines('extraHeaders') ?? [];
  const headerParams = (r.stringArray('extraContactHeaderParams') ?? []).flatMap(
    (p, i) =>
      contactHeaderParams(p) ??
      r.fail('INVALID_VALUE', `extraContactHeaderParams[${i}]`, CONTACT_HEADER_PARAMS),
  );
  const requestOverrides = readParams(r);
  r.unsupportedIfSet('logConfiguration', 'sipkit logs through an injected logger');
  r.reportRest('not a SIP.js 0.21 RegistererOptions option');

  const profileParams = { ...PROFILE_DEFAULTS.sipjs, expires, refreshFrequency };
  return {
    source: 'sipjs',
    profile: options?.profile === 'sipkit' ? 'sipkit' : 'sipjs',
    profileParams: chooseProfile(profileParams, expires, options),
    identity: {
      aor,
      displayName: displayName === '' ? undefined : displayName,
      authorizationUser: username,
      anonymous: uriRaw === undefined ? true : undefined,
    },
    credentials: { digest },
    servers: transport.servers,
    extraHeaders: [],
    routeSet: preloadedRouteSet,
    preloadedRouteFromServer: false,
    contact: {
      user: contactName,
      host: viaHost,
      randomTestNetHost,
      uriParams: contactParams,
      headerParams,
      instanceId,
      regId: outbound ? regId : undefined,
      outbound,
      instanceIdAlwaysAdded,
      uaInstanceId,
      line: false,
    },
    registration: {
      // A SIP.js UserAgent never registers by itself: the application creates a Registerer.
      enabled: false,
      registrar,
      expires,
      extraHeaders,
      supported: ['outbound', 'path', 'gruu'],
      requestOverrides,
    },
    connection: transport.connection,
    via: { forceRport, transportOverride: hackViaTcp ? 'TCP' : undefined },
    session,
    media,
    userAgent,
    lifecycle,
    traceSip: transport.traceSip,
    unsupported: [...u.unsupported, ...r.unsupported],
  };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === '' ? undefined : v;
}

function uriText(o: OptionBag, key: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (
    typeof v === 'object' &&
    v !== null &&
    typeof v.toString === 'function' &&
    v.toString !== Object.prototype.toString
  ) {
    let text: unknown;
    try {
      text = v.toString();
    } catch {}
    if (typeof text === 'string') return text;
  }
  return o.fail('INVALID_TYPE', key, 'a SIP.js URI object or a SIP URI string', `got ${typeOf(v)}`);
}

/** A Route value; without `<>`, parameters are read as URI parameters (`sip:p.example.com;lr`). */
function parseRoute(text: string, key: string): SipUri {
  const expected = 'a Route value such as <sip:proxy.example.com;lr>';
  let uri: unknown;
  try {
    uri = text.includes('<') ? parseNameAddr(text, 'route').uri : parseUri(text.trim());
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
  }
  if (!(uri instanceof SipUri)) throw new ConfigError('INVALID_URI', key, 'sipjs', expected);
  const refused = sentUriRefusal(uri);
  if (refused) throw new ConfigError('INVALID_URI', key, 'sipjs', expected, undefined, refused);
  return uri;
}

function readSession(u: OptionBag): SessionConfig {
  const session = defaultSession();
  session.noAnswerTimeout = u.number('noAnswerTimeout', { min: 0 }) ?? 60;
  session.rel100 = extension(u, 'sipExtension100rel');
  session.replaces = extension(u, 'sipExtensionReplaces');
  session.extraSupported = sipJsExtraSupported(u, 'sipExtensionExtraSupported');
  return session;
}

function extension(u: OptionBag, key: string): SessionConfig['rel100'] {
  const v = u.string(key);
  if (v === undefined || v === 'Unsupported') return 'unsupported';
  if (v === 'Supported') return 'supported';
  if (v === 'Required') return 'required';
  return u.fail(
    'INVALID_VALUE',
    key,
    "SIPExtension.Required, Supported or Unsupported ('Required', 'Supported', 'Unsupported')",
  );
}

function readTransportOptions(u: OptionBag, reconnect: ReconnectPolicy & { kind: 'fixed' }) {
  const raw = u.raw('transportOptions');
  if (raw !== undefined && (typeof raw !== 'object' || raw === null)) {
    u.fail('INVALID_TYPE', 'transportOptions', 'an object', `got ${typeOf(raw)}`);
  }
  const t: OptionBag = new OptionBag(
    'sipjs',
    (raw ?? {}) as Record<string, unknown>,
    isUndefined,
    (k) => [k],
    'transportOptions.',
  );
  let server = t.string('server');
  // Deprecated spellings mapped by user-agent.ts onto the current ones.
  const legacyServers = t.raw('wsServers');
  if (server === undefined && legacyServers !== undefined) {
    const first = Array.isArray(legacyServers) ? legacyServers[0] : legacyServers;
    const url =
      typeof first === 'object' && first !== null
        ? ((first as { wsUri?: unknown; ws_uri?: unknown }).wsUri ?? (first as { ws_uri?: unknown }).ws_uri)
        : first;
    if (typeof url !== 'string') t.fail('INVALID_TYPE', 'wsServers', 'a WebSocket URL');
    server = url;
  }
  const maxAttempts = t.number('maxReconnectionAttempts', { integer: true, min: 0 });
  if (maxAttempts !== undefined) reconnect.attempts = maxAttempts;
  const legacyDelay = t.number('reconnectionTimeout', { min: 0 });
  if (legacyDelay !== undefined) reconnect.delay = legacyDelay;
  if (server === undefined) t.fail('MISSING', 'server', 'the WebSocket server URL (ws:// or wss://)');
  const parsed = parseServerUrl(server, 'sipjs', 'transportOptions.server', ['ws', 'wss']);
  const connectionTimeout = t.number('connectionTimeout', { min: 0 }) ?? 5;
  const keepAliveInterval = t.number('keepAliveInterval', { min: 0 }) ?? 0;
  // SIP.js skips a keep-alive within keepAliveDebounce of the last; sipkit pings once per
  // 80-100 % of keepAliveInterval, so only a debounce beyond that would thin its pings out.
  t.unsupportedIfSet(
    'keepAliveDebounce',
    'one keep-alive per 80-100 % of keepAliveInterval: raise that instead',
  );
  const traceSip = t.bool('traceSip') ?? true;
  t.reportRest('not a SIP.js 0.21 web Transport option');
  u.unsupported.push(...t.unsupported);
  return {
    servers: [
      {
        url: parsed.url,
        uri: serverSipUri(parsed, 'ws'),
        transport: parsed.scheme as 'ws' | 'wss',
        weight: 0,
      },
    ],
    // transport.ts sends keep-alives and never looks for a pong.
    connection: {
      reconnect,
      keepAliveInterval,
      keepAlivePongTimeout: keepAliveInterval > 0 ? 0 : undefined,
      connectionTimeout,
    },
    traceSip,
  };
}

function readParams(r: OptionBag): UserAgentConfig['registration']['requestOverrides'] {
  const raw = r.raw('params');
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null)
    r.fail('INVALID_TYPE', 'params', 'an object', `got ${typeOf(raw)}`);
  const p: OptionBag = new OptionBag(
    'sipjs',
    raw as Record<string, unknown>,
    isUndefined,
    (k) => [k],
    'registerer.params.',
  );
  const fromUri = p.raw('fromUri');
  const toUri = p.raw('toUri');
  const out = {
    fromUri:
      fromUri === undefined
        ? undefined
        : toSipUri(uriText(p, 'fromUri', fromUri), 'sipjs', 'registerer.params.fromUri'),
    toUri:
      toUri === undefined
        ? undefined
        : toSipUri(uriText(p, 'toUri', toUri), 'sipjs', 'registerer.params.toUri'),
    fromTag: p.checked('fromTag', isToken, 'a From tag: a token', p.string('fromTag')),
    fromDisplayName: p.oneLine('fromDisplayName', 'a display name'),
    toDisplayName: p.oneLine('toDisplayName', 'a display name'),
  };
  p.reportRest('not a RegistererOptions.params field');
  r.unsupported.push(...p.unsupported);
  return out;
}
