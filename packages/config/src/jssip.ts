import { isToken } from '@sipkit/parser';
import { type AdapterOptions, chooseProfile, defaultSession } from './adapter-options.js';
import { ConfigError } from './errors.js';
import { isEmptyJs, OptionBag, typeOf } from './option-bag.js';
import { PROFILE_DEFAULTS } from './profiles.js';
import { hideSecrets } from './secrets.js';
import {
  type DigestCredential,
  GRACEFUL_SHUTDOWN_SECONDS,
  type ServerConfig,
  type UserAgentConfig,
} from './types.js';
import { normaliseInstanceId, parseServerUrl, registrarFromAor, serverSipUri, toSipUri } from './values.js';

/** The parts of a `JsSIP.Socket` (e.g. `WebSocketInterface`) the adapter reads; a URL string works too. */
export interface JsSipSocketLike {
  /** WebSocket URL. */
  url: string;
  /** Via transport override (`WS`, `WSS`, `TCP`). */
  via_transport?: string;
}

/** A socket entry of `sockets`. */
export type JsSipSocketEntry =
  | string
  | JsSipSocketLike
  | {
      /** The socket (or its `ws://` / `wss://` URL). */
      socket: string | JsSipSocketLike;
      /** Priority among the sockets: higher is tried first, equal weights in random order (default 0). */
      weight?: number;
    };

/**
 * A JsSIP 3.x `UA` configuration object (see the package README for the mapping). Empty values
 * (`null`, `""`, `[]`, `NaN`) count as not set; keys JsSIP does not have end up in `unsupported`.
 */
export interface JsSipConfig {
  /**
   * Required. The WebSocket(s) to connect to: a socket, a URL, `{socket, weight}`, or an array of these. Maps
   * to `servers`.
   */
  sockets?: JsSipSocketEntry | JsSipSocketEntry[];
  /**
   * Required. The address of record; `sip:` is prepended when missing and a user part is required. Maps to
   * `identity.aor`.
   */
  uri?: string;
  /**
   * Complete `Authorization` header value (include `Bearer ` yourself), sent verbatim without waiting for a
   * challenge. Maps to `credentials.bearer`.
   */
  authorization_jwt?: string;
  /** Digest username (default: the user part of `uri`). Maps to `identity.authorizationUser`. */
  authorization_user?: string;
  /** Upper bound in seconds of the reconnect back-off (integer > 0, default 30). */
  connection_recovery_max_interval?: number | string;
  /** Lower bound in seconds of the reconnect back-off (integer > 0, default 2). */
  connection_recovery_min_interval?: number | string;
  /**
   * Complete Contact URI to use instead of a generated one; its host also becomes the Via host. Maps to
   * `contact.uri`.
   */
  contact_uri?: string;
  /** Display name for From/To. Maps to `identity.displayName`. */
  display_name?: string;
  /** Header lines (`Name: value`) added to every request, not only REGISTER (default none). */
  extra_headers?: string[];
  /**
   * RFC 5626 instance UUID, bare or `uuid:`-prefixed (default: generated). Maps to `contact.instanceId` as
   * `urn:uuid:…`.
   */
  instance_id?: string;
  /** Seconds before an unanswered incoming call is rejected (integer > 0, default 60). */
  no_answer_timeout?: number | string;
  /** RFC 4028 session timers on INVITE sessions (default true). */
  session_timers?: boolean;
  /** Method that refreshes a session: `UPDATE` or `INVITE`, any case (default `UPDATE`). */
  session_timers_refresh_method?: string;
  /** Be the session refresher even when the peer asked to be it (default false). */
  session_timers_force_refresher?: boolean;
  /** Digest password, answering challenges of any realm with MD5; a number is converted to a string. */
  password?: string | number;
  /** Realm the `ha1` belongs to; JsSIP uses `ha1` only for challenges of exactly this realm. */
  realm?: string | number;
  /** Pre-computed MD5 HA1 (32 hex digits); needs `realm`, otherwise it is listed in `unsupported`. */
  ha1?: string;
  /** Register automatically once connected (default true). Maps to `registration.enabled`. */
  register?: boolean;
  /**
   * Requested registration expiry in seconds (integer >= 0, default 600). Maps to `registration.expires` and
   * the `jssip` profile.
   */
  register_expires?: number | string;
  /** Text appended to the From tag of REGISTER; a function is called for every REGISTER. */
  register_from_tag_trail?: string | (() => string);
  /**
   * REGISTER Request-URI, without a user part (default: `uri` without its user and parameters). Maps to
   * `registration.registrar`.
   */
  registrar_server?: string;
  /**
   * Add a Route to the connected server (`<server-uri;lr>`) to out-of-dialog requests (default false). Maps
   * to `preloadedRouteFromServer`.
   */
  use_preloaded_route?: boolean;
  /** `User-Agent` header value (default {@link JSSIP_USER_AGENT}). */
  user_agent?: string;
  /** Any other key is not a JsSIP option and is reported in `unsupported`. */
  [option: string]: unknown;
}

/** JsSIP's User-Agent default for the version sipkit reproduces. */
export const JSSIP_USER_AGENT = 'JsSIP 3.13.8';

const INTEGER = { integer: true, numericStrings: true } as const;

/**
 * Maps a JsSIP 3.x UA configuration to a {@link UserAgentConfig} with the `jssip` profile.
 * Empty values (null, "", undefined, [], NaN) keep the default, as in JsSIP; invalid values throw
 * {@link ConfigError}; options JsSIP has but sipkit does not honour are listed in `unsupported`.
 */
export function fromJsSIP(config: JsSipConfig, options?: AdapterOptions): UserAgentConfig {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError('INVALID_TYPE', '(config)', 'jssip', 'a configuration object');
  }
  const o: OptionBag = new OptionBag('jssip', config as Record<string, unknown>, isEmptyJs);

  const uriText = o.string('uri') ?? o.fail('MISSING', 'uri', 'a SIP URI with a user part (mandatory)');
  const aor = toSipUri(uriText, 'jssip', 'uri', { prependSip: true, requireUser: true });
  const servers = readSockets(o);

  const username = o.username('authorization_user', aor, 'uri', o.string('authorization_user'));
  const password = o.stringified('password');
  const realm = o.stringified('realm');
  const ha1 = o.stringified('ha1');
  const digest: DigestCredential[] = [];
  // MD5 only is the jssip profile's rule, not the credential's: the sipkit profile may use others.
  if (password !== undefined) digest.push(hideSecrets({ username, password, ha1: {} }));
  if (ha1 !== undefined) {
    if (!/^[0-9a-f]{32}$/i.test(ha1)) o.fail('INVALID_VALUE', 'ha1', 'an MD5 HA1: 32 hexadecimal digits');
    // JsSIP accepts an ha1 only for a challenge whose realm equals the configured one.
    if (realm === undefined) {
      o.unsupported.push({
        key: 'ha1',
        source: 'jssip',
        reason: 'JsSIP uses ha1 only together with realm; without realm it is never used',
      });
    } else digest.push(hideSecrets({ username, ha1: { MD5: ha1.toLowerCase() }, realm }));
  }
  const jwt = o.raw('authorization_jwt');
  if (jwt !== undefined && typeof jwt !== 'string') {
    o.fail(
      'INVALID_TYPE',
      'authorization_jwt',
      'a string (the Authorization header value)',
      `got ${typeOf(jwt)}`,
    );
  }
  o.oneLine('authorization_jwt', 'an Authorization header value', jwt);

  const contactUriText = o.string('contact_uri');
  // Table 1 of RFC 3261 section 19.1.1 allows ?headers in a REGISTER Contact.
  const contactUri =
    contactUriText === undefined
      ? undefined
      : toSipUri(contactUriText, 'jssip', 'contact_uri', { headers: true });
  const instanceRaw = o.string('instance_id');
  const instanceId =
    instanceRaw === undefined ? undefined : normaliseInstanceId(instanceRaw, 'jssip', 'instance_id');

  const registrarText = o.string('registrar_server');
  const registrar =
    registrarText === undefined
      ? registrarFromAor(aor, false)
      : toSipUri(registrarText, 'jssip', 'registrar_server', { prependSip: true, forbidUser: true });
  const registerExpires = o.number('register_expires', { ...INTEGER, min: 0 }) ?? 600;
  const trail = o.raw('register_from_tag_trail');
  if (trail !== undefined && typeof trail !== 'string' && typeof trail !== 'function') {
    o.fail(
      'INVALID_TYPE',
      'register_from_tag_trail',
      'a string or a function returning a string',
      `got ${typeOf(trail)}`,
    );
  }
  // It ends the From tag, a token; what a function returns can only be checked when it is called.
  if (typeof trail === 'string') o.checked('register_from_tag_trail', isToken, 'token characters', trail);

  const minInterval = o.number('connection_recovery_min_interval', { ...INTEGER, above: 0 }) ?? 2;
  const maxInterval = o.number('connection_recovery_max_interval', { ...INTEGER, above: 0 }) ?? 30;

  const session = defaultSession();
  session.timers = o.bool('session_timers') ?? true;
  const method = o.string('session_timers_refresh_method');
  if (method !== undefined) {
    const m = method.toUpperCase();
    if (m !== 'UPDATE' && m !== 'INVITE') {
      o.fail('INVALID_VALUE', 'session_timers_refresh_method', "'UPDATE' or 'INVITE' (any case)");
    }
    session.refreshMethod = m as 'UPDATE' | 'INVITE';
  }
  session.forceRefresher = o.bool('session_timers_force_refresher') ?? false;
  session.noAnswerTimeout = o.number('no_answer_timeout', { ...INTEGER, above: 0 }) ?? 60;

  const extraHeaders = o.headerLines('extra_headers') ?? [];
  const rawDisplayName = o.raw('display_name');
  const displayName = o.oneLine(
    'display_name',
    'a display name',
    rawDisplayName === undefined ? undefined : String(rawDisplayName),
  );
  const register = o.bool('register') ?? true;
  const preloaded = o.bool('use_preloaded_route') ?? false;
  const userAgent = o.oneLine('user_agent', 'a User-Agent value') ?? JSSIP_USER_AGENT;

  o.unsupportedIfSet('ws_servers', 'removed in JsSIP 3.0: use sockets');
  for (const k of ['hack_via_tcp', 'hack_via_ws', 'hack_ip_in_contact']) {
    o.unsupportedIfSet(k, 'removed in JsSIP 2.0: set via_transport on the socket, or contact_uri');
  }
  o.reportRest('not a JsSIP 3.x UA configuration option');

  const profileParams = { ...PROFILE_DEFAULTS.jssip, registerExpires };
  return {
    source: 'jssip',
    profile: options?.profile === 'sipkit' ? 'sipkit' : 'jssip',
    profileParams: chooseProfile(profileParams, registerExpires, options),
    identity: {
      aor,
      displayName,
      authorizationUser: username,
    },
    credentials: {
      digest,
      bearer: jwt === undefined ? undefined : hideSecrets({ authorization: jwt as string, preemptive: true }),
    },
    servers,
    extraHeaders,
    routeSet: [],
    preloadedRouteFromServer: preloaded,
    contact: {
      uri: contactUri,
      host: contactUri?.host,
      randomTestNetHost: false,
      uriParams: contactUri ? {} : { transport: 'ws' },
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
      fromTagTrail: trail as string | (() => string) | undefined,
    },
    connection: {
      reconnect: { kind: 'clamped-backoff', minInterval, maxInterval },
      keepAliveInterval: 0,
    },
    via: { forceRport: false },
    session,
    media: {},
    userAgent,
    lifecycle: { autoStop: false, gracefulShutdown: GRACEFUL_SHUTDOWN_SECONDS },
    traceSip: false,
    unsupported: o.unsupported,
  };
}

function readSockets(o: OptionBag): ServerConfig[] {
  const raw = o.raw('sockets');
  if (raw === undefined)
    o.fail('MISSING', 'sockets', 'a socket, an array of sockets or of {socket, weight} (mandatory)');
  const entries = Array.isArray(raw) ? raw : [raw];
  return entries.map((entry, i) => {
    const key = Array.isArray(raw) ? `sockets[${i}]` : 'sockets';
    let socket: unknown = entry;
    let weight = 0;
    if (typeof entry === 'object' && entry !== null && 'socket' in entry) {
      socket = (entry as { socket: unknown }).socket;
      const w = (entry as { weight?: unknown }).weight;
      if (w !== undefined) {
        if (typeof w !== 'number' || !Number.isFinite(w)) {
          throw new ConfigError(
            'INVALID_TYPE',
            `${key}.weight`,
            'jssip',
            'a number',
            undefined,
            `got ${typeOf(w)}`,
          );
        }
        weight = w;
      }
    }
    let url: unknown = socket;
    let via: unknown;
    if (typeof socket === 'object' && socket !== null) {
      url = (socket as { url?: unknown }).url;
      via = (socket as { via_transport?: unknown }).via_transport;
    }
    if (typeof url !== 'string') {
      throw new ConfigError(
        'INVALID_TYPE',
        key,
        'jssip',
        'a JsSIP.Socket (with a url) or a ws:// or wss:// URL',
      );
    }
    const parsed = parseServerUrl(url, 'jssip', key, ['ws', 'wss']);
    const server: ServerConfig = {
      url: parsed.url,
      uri: serverSipUri(parsed, 'ws'),
      transport: parsed.scheme as 'ws' | 'wss',
      weight,
    };
    if (via !== undefined && (typeof via !== 'string' || !isToken(via))) {
      // The Via transport is written as it is: a token (RFC 3261 section 25.1).
      throw new ConfigError(
        'INVALID_VALUE',
        `${key}.via_transport`,
        'jssip',
        'a transport token (WS, WSS, TCP)',
      );
    }
    if (via !== undefined && via.toUpperCase() !== parsed.scheme.toUpperCase()) {
      server.viaTransport = via.toUpperCase();
    }
    return server;
  });
}
