import { type AdapterOptions, chooseProfile, defaultSession } from './adapter-options.js';
import { ConfigError } from './errors.js';
import { isEmptyJs, OptionBag, typeOf } from './option-bag.js';
import { sipJsExtraSupported } from './option-tags.js';
import { PROFILE_DEFAULTS } from './profiles.js';
import { hideSecrets } from './secrets.js';
import {
  GRACEFUL_SHUTDOWN_SECONDS,
  type ServerConfig,
  type SessionConfig,
  type UserAgentConfig,
} from './types.js';
import {
  AUTOSTART,
  fitsContactUri,
  HOST_RE,
  normaliseInstanceId,
  parseServerUrl,
  registrarFromAor,
  serverSipUri,
  toSipUri,
} from './values.js';

/** A `wsServers` entry: a URL or a URL with a weight. */
export type SipJsLegacyServer =
  | string
  | {
      /** Server URL: `ws://`, `wss://` or `udp://`. */
      ws_uri: string;
      /** Priority among the servers: higher is tried first, equal weights in random order (default 0). */
      weight?: number;
    };

/**
 * A SIP.js 0.7 `SIP.UA` configuration. Every option may also be spelled in snake_case
 * (`register_expires`); camelCase wins when both are given. Empty values (`null`, `""`, `[]`, `NaN`)
 * keep the default.
 */
export interface SipJsLegacyConfig {
  /**
   * Address of record; `sip:` is prepended when missing, a user part is required (default
   * `sip:anonymous@anonymous.invalid`).
   */
  uri?: string;
  /**
   * Server(s) to connect to, in weight order (default {@link SIPJS_LEGACY_DEFAULT_SERVER}). Maps to
   * `servers`.
   */
  wsServers?: SipJsLegacyServer | SipJsLegacyServer[];
  /** Digest username (default: the user part of `uri`). */
  authorizationUser?: string;
  /** Digest password for any realm (MD5); a number is converted to a string. */
  password?: string | number;
  /** Display name for From/To, without double quotes or line breaks. */
  displayName?: string;
  /** Register automatically once connected (default true). Maps to `registration.enabled`. */
  register?: boolean;
  /**
   * Requested registration expiry in seconds (integer > 0, default 600). Maps to `registration.expires` and
   * the profile.
   */
  registerExpires?: number | string;
  /**
   * REGISTER Request-URI without a user part; `sip:` is prepended when missing (default: `uri` without its
   * user, parameters kept).
   */
  registrarServer?: string;
  /** RFC 5626 instance UUID, bare or `uuid:`-prefixed (default: generated). Maps to `contact.instanceId`. */
  instanceId?: string;
  /** `true`: a random TEST-NET-1 address (192.0.2.x) as Contact host; a string: that host (default false). */
  hackIpInContact?: boolean | string;
  /** Write `TCP` as the Via transport (default false). Maps to `via.transportOverride`. */
  hackViaTcp?: boolean;
  /**
   * Write `transport=wss` instead of `ws` in the server URIs and the default Contact transport (default
   * false).
   */
  hackWssInTransport?: boolean;
  /** Contact `transport=` parameter (default `ws`, or `wss` with `hackWssInTransport`). */
  contactTransport?: string;
  /** Always add `;rport` to Via (default false). */
  forceRport?: boolean;
  /** Add a Route to the connected server (`<server-uri;lr>`) to out-of-dialog requests (default false). */
  usePreloadedRoute?: boolean;
  /** Extra option tags for `Supported:` (default none). Maps to `session.extraSupported`. */
  extraSupported?: string[];
  /** `User-Agent` header value (default {@link SIPJS_LEGACY_USER_AGENT}). */
  userAgentString?: string;
  /**
   * Connection tries per server before moving to the next, the first one immediate (integer > 0, default 3).
   */
  wsServerMaxReconnection?: number | string;
  /** Seconds between the tries on one server (integer > 0, default 4). */
  wsServerReconnectionTimeout?: number | string;
  /** Base step in seconds of the recovery wait once every server failed (integer > 0, default 2). */
  connectionRecoveryMinInterval?: number | string;
  /** Recovery wait in seconds above which it starts again from the minimum (integer >= min, default 30). */
  connectionRecoveryMaxInterval?: number | string;
  /** Seconds between CRLF keep-alives (integer > 0; unset = off); a missing pong within 10 s is a timeout. */
  keepAliveInterval?: number | string;
  /** Log SIP messages (default false). */
  traceSip?: boolean;
  /** Start (connect) when constructed (default true). Maps to `lifecycle.autoStart`. */
  autostart?: boolean;
  /** Stop when the page unloads (default true). Maps to `lifecycle.autoStop`. */
  autostop?: boolean;
  /** Seconds before an unanswered incoming call is rejected (integer > 0, default 60). */
  noAnswerTimeout?: number | string;
  /**
   * Other 0.7 options: `rel100`, `replaces`, `hackAllowUnregisteredOptionTags` are read, media options
   * (`stunServers`, `turnServers`, ...) go to `media`, `custom` to `custom`; anything else is unsupported.
   */
  [option: string]: unknown;
}

/** SIP.js 0.7's User-Agent default for the version sipkit reproduces. */
export const SIPJS_LEGACY_USER_AGENT = 'SIP.js/0.7.8';
/** SIP.js 0.7's default server. */
export const SIPJS_LEGACY_DEFAULT_SERVER = 'wss://edge.sip.onsip.com';

const INTEGER = { integer: true, numericStrings: true } as const;

/** SIP.js 0.7's `aliasUnderscored`: every `aB` becomes `a_b`. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a}_${b.toLowerCase()}`);
}

/**
 * Maps a SIP.js 0.7 `SIP.UA` configuration (camelCase or snake_case) to a {@link UserAgentConfig}
 * with the `sipjs-legacy` profile. Empty values keep the default, invalid values throw
 * {@link ConfigError}.
 */
export function fromSipJsLegacy(config: SipJsLegacyConfig, options?: AdapterOptions): UserAgentConfig {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError('INVALID_TYPE', '(config)', 'sipjs-legacy', 'a configuration object');
  }
  const o: OptionBag = new OptionBag('sipjs-legacy', config as Record<string, unknown>, isEmptyJs, (k) => {
    const s = snakeCase(k);
    return s === k ? [k] : [k, s];
  });

  const uriText = o.string('uri');
  const aor = toSipUri(uriText ?? 'sip:anonymous@anonymous.invalid', 'sipjs-legacy', o.name('uri'), {
    prependSip: true,
    requireUser: true,
  });
  const hackWss = o.bool('hackWssInTransport') ?? false;
  const servers = readServers(o, hackWss ? 'wss' : 'ws');

  const authorizationUser = o.string('authorizationUser');
  const username = o.username('authorizationUser', aor, o.name('uri'), authorizationUser);
  const password = o.stringified('password');
  const displayName = o.string('displayName');
  if (displayName !== undefined && /["\r\n]/.test(displayName)) {
    o.fail('INVALID_VALUE', 'displayName', 'a display name without double quotes or line breaks');
  }
  const register = o.bool('register') ?? true;
  const registerExpires = o.number('registerExpires', { ...INTEGER, above: 0 }) ?? 600;
  const registrarText = o.string('registrarServer');
  const registrar =
    registrarText === undefined
      ? registrarFromAor(aor, true)
      : toSipUri(registrarText, 'sipjs-legacy', o.name('registrarServer'), {
          prependSip: true,
          forbidUser: true,
        });
  const instanceRaw = o.string('instanceId');
  const instanceId =
    instanceRaw === undefined
      ? undefined
      : normaliseInstanceId(instanceRaw, 'sipjs-legacy', o.name('instanceId'));

  const hackIp = o.raw('hackIpInContact');
  let contactHost: string | undefined;
  let randomTestNetHost = false;
  if (typeof hackIp === 'boolean') randomTestNetHost = hackIp;
  else if (typeof hackIp === 'string') {
    if (!HOST_RE.test(hackIp))
      o.fail('INVALID_VALUE', 'hackIpInContact', 'true, false or a host name / IP address');
    contactHost = hackIp;
  } else if (hackIp !== undefined) {
    o.fail('INVALID_TYPE', 'hackIpInContact', 'true, false or a host string', `got ${typeOf(hackIp)}`);
  }
  const hackViaTcp = o.bool('hackViaTcp') ?? false;
  // Written into the Contact URI as it is.
  const contactTransport =
    o.checked(
      'contactTransport',
      (t) => fitsContactUri('u', { transport: t }),
      'a SIP URI parameter value',
      o.string('contactTransport'),
    ) ?? (hackWss ? 'wss' : 'ws');
  const forceRport = o.bool('forceRport') ?? false;
  const preloaded = o.bool('usePreloadedRoute') ?? false;
  const userAgent = o.oneLine('userAgentString', 'a User-Agent value') ?? SIPJS_LEGACY_USER_AGENT;

  const serverAttempts = o.number('wsServerMaxReconnection', { ...INTEGER, above: 0 }) ?? 3;
  const serverDelay = o.number('wsServerReconnectionTimeout', { ...INTEGER, above: 0 }) ?? 4;
  const minInterval = o.number('connectionRecoveryMinInterval', { ...INTEGER, above: 0 }) ?? 2;
  const maxInterval = o.number('connectionRecoveryMaxInterval', { ...INTEGER, above: 0 }) ?? 30;
  if (maxInterval < minInterval) {
    o.fail('CONFLICT', 'connectionRecoveryMaxInterval', 'a value >= connectionRecoveryMinInterval');
  }
  const keepAliveInterval = o.number('keepAliveInterval', { ...INTEGER, above: 0 }) ?? 0;

  const session = readSession(o);
  const traceSip = o.bool('traceSip') ?? false;
  // sipkit never connects from a constructor (a failure would have nowhere to go): start().
  if (o.bool('autostart')) o.unsupportedIfSet('autostart', AUTOSTART);
  const autoStop = o.bool('autostop') ?? true;

  const media: Record<string, unknown> = {};
  // stunServers/turnServers keep an explicit empty array: it means "no STUN/TURN at all".
  for (const k of ['stunServers', 'turnServers']) {
    for (const s of [k, snakeCase(k)]) {
      if (config[s] !== undefined && config[s] !== null && !(k in media)) media[k] = config[s];
    }
    o.raw(k);
  }
  for (const k of [
    'iceCheckingTimeout',
    'rtcpMuxPolicy',
    'mediaHandlerFactory',
    'hackStripTcp',
    'hackCleanJitsiSdpImageattr',
  ]) {
    const v = o.raw(k);
    if (v !== undefined) media[k] = v;
  }
  const custom = o.raw('custom');

  o.unsupportedIfSet(
    'authenticationFactory',
    'sipkit computes credentials itself (@sipkit/digest); a custom factory cannot be plugged in',
  );
  o.unsupportedIfSet('allowLegacyNotifications', 'sipkit does not deliver out-of-dialog NOTIFY requests');
  o.unsupportedIfSet('log', 'sipkit logs through an injected logger');
  o.reportRest('not a SIP.js 0.7 UA configuration option');

  const profileParams = { ...PROFILE_DEFAULTS['sipjs-legacy'], registerExpires };
  return {
    source: 'sipjs-legacy',
    profile: options?.profile === 'sipkit' ? 'sipkit' : 'sipjs-legacy',
    profileParams: chooseProfile(profileParams, registerExpires, options),
    identity: {
      aor,
      displayName,
      authorizationUser: username,
      anonymous: uriText === undefined ? true : undefined,
    },
    credentials: {
      // SIP.js 0.7 has no ha1 option; it answers challenges even with no password set.
      digest: password === undefined ? [] : [hideSecrets({ username, password, ha1: {} })],
    },
    servers,
    extraHeaders: [],
    routeSet: [],
    preloadedRouteFromServer: preloaded,
    contact: {
      host: contactHost,
      randomTestNetHost,
      uriParams: { transport: contactTransport },
      headerParams: [],
      instanceId,
      regId: 1,
      outbound: true,
      instanceIdAlwaysAdded: false,
      line: false,
    },
    registration: {
      enabled: register,
      registrar,
      expires: registerExpires,
      extraHeaders: [],
      supported: ['path', 'gruu', 'outbound'],
    },
    connection: {
      reconnect: { kind: 'legacy-recovery', serverAttempts, serverDelay, minInterval, maxInterval },
      keepAliveInterval,
      // Transport.js: no pong within 10 s only emits keepAliveTimeout (no reconnect), so a
      // missing pong must not fail the flow here either.
      keepAlivePongTimeout: keepAliveInterval > 0 ? 0 : undefined,
    },
    via: { forceRport, transportOverride: hackViaTcp ? 'TCP' : undefined },
    session,
    media,
    userAgent,
    lifecycle: { autoStop, gracefulShutdown: GRACEFUL_SHUTDOWN_SECONDS },
    traceSip,
    custom,
    unsupported: o.unsupported,
  };
}

function readSession(o: OptionBag): SessionConfig {
  const session = defaultSession();
  session.noAnswerTimeout = o.number('noAnswerTimeout', { ...INTEGER, above: 0 }) ?? 60;
  session.rel100 = readSupportLevel(o, 'rel100', true);
  session.replaces = readSupportLevel(o, 'replaces', false);
  session.extraSupported = sipJsExtraSupported(o, 'extraSupported');
  return session;
}

/** `SIP.C.supported` values: `'required'`, `'supported'`, `'none'` (UNSUPPORTED). */
function readSupportLevel(o: OptionBag, key: string, requiredAllowed: boolean): SessionConfig['rel100'] {
  const v = o.string(key);
  if (v === undefined) return 'unsupported';
  if (v === 'supported') return 'supported';
  if (v === 'none') return 'unsupported';
  if (v === 'required' && requiredAllowed) return 'required';
  return o.fail(
    'INVALID_VALUE',
    key,
    requiredAllowed
      ? "SIP.C.supported.REQUIRED, SUPPORTED or UNSUPPORTED ('required', 'supported', 'none')"
      : "SIP.C.supported.SUPPORTED or UNSUPPORTED ('supported', 'none')",
  );
}

function readServers(o: OptionBag, transportParam: string): ServerConfig[] {
  const raw = o.raw('wsServers') ?? SIPJS_LEGACY_DEFAULT_SERVER;
  const key = o.name('wsServers');
  const entries = Array.isArray(raw) ? raw : [raw];
  return entries.map((entry, i) => {
    const k = Array.isArray(raw) ? `${key}[${i}]` : key;
    let url: unknown = entry;
    let weight = 0;
    if (typeof entry === 'object' && entry !== null) {
      url = (entry as { ws_uri?: unknown }).ws_uri;
      const w = (entry as { weight?: unknown }).weight;
      if (w !== undefined) {
        if (typeof w !== 'number' || !Number.isFinite(w)) {
          throw new ConfigError(
            'INVALID_TYPE',
            `${k}.weight`,
            'sipjs-legacy',
            'a number',
            undefined,
            `got ${typeOf(w)}`,
          );
        }
        weight = w;
      }
    }
    if (typeof url !== 'string') {
      throw new ConfigError(
        'INVALID_TYPE',
        k,
        'sipjs-legacy',
        'a ws://, wss:// or udp:// URL, or {ws_uri, weight}',
      );
    }
    const parsed = parseServerUrl(url, 'sipjs-legacy', k, ['ws', 'wss', 'udp']);
    return { url: parsed.url, uri: serverSipUri(parsed, transportParam), transport: parsed.scheme, weight };
  });
}
