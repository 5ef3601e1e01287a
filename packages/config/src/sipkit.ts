import type { SipUri } from '@sipkit/parser';
import { defaultSession } from './adapter-options.js';
import { ConfigError } from './errors.js';
import { isUndefined, OptionBag, typeOf } from './option-bag.js';
import { hideSecrets } from './secrets.js';
import {
  type DigestAlgorithm,
  type DigestCredential,
  GRACEFUL_SHUTDOWN_SECONDS,
  type ServerConfig,
  type TransportProtocol,
  type UserAgentConfig,
} from './types.js';
import {
  hopTransport,
  normaliseInstanceId,
  parseServerUrl,
  registrarFromAor,
  serverSipUri,
  toSipUri,
} from './values.js';

/**
 * A server: a `wss://` or `ws://` URL, or for Node a `sip:` / `sips:` URI of the next hop
 * (`sip:pbx.example.com;transport=tcp`; no `transport` means UDP, `sips:` means TLS). The object
 * form adds a weight: higher is tried first, equal weights in random order.
 */
export type SipkitServer =
  | string
  | {
      /** The server's URL or URI, as the string form takes it. */
      server: string;
      /** Priority among the servers: higher is tried first (default 0). */
      weight?: number;
    };

/**
 * The options of {@link sipkitConfig}: what an app that does not start from a JsSIP, SIP.js or
 * pjsip.conf configuration says, with sipkit's defaults for the rest.
 */
export interface SipkitConfigOptions {
  /** Required. The address of record, `sip:alice@example.com` (`sip:` may be left out). */
  aor: string;
  /** Required. Where to connect: one server or several (see {@link SipkitServer}). */
  servers: SipkitServer | SipkitServer[];
  /** Digest password; answers challenges of any realm with any algorithm the server offers. */
  password?: string;
  /** Pre-computed HA1 per algorithm (lower- or upper-case hex); at least one. */
  ha1?: Partial<Record<DigestAlgorithm, string>>;
  /** The only realm `password` and `ha1` answer (compared exactly; default: any realm). */
  realm?: string;
  /** Digest username (default: the user part of `aor`). */
  authorizationUser?: string;
  /** Display name for From and To. */
  displayName?: string;
  /** REGISTER Request-URI (default: `aor` without its user part). */
  registrar?: string;
  /** Requested registration expiry in seconds (integer from 1 to 2^32-1, default 600). */
  expires?: number;
  /** Register when connected (default true); false registers only on `ua.register()`. */
  register?: boolean;
  /** Header lines (`Name: value`) added to every request (default none). */
  extraHeaders?: string[];
  /** `User-Agent` header value, not empty (default {@link SIPKIT_USER_AGENT}). */
  userAgent?: string;
  /** RFC 5626 instance UUID, bare or `urn:uuid:`-prefixed (default: generated). */
  instanceId?: string;
  /** Register as an RFC 5626 outbound flow (`+sip.instance`, `reg-id=1`; default true). */
  outbound?: boolean;
  /** Reconnect back-off bounds in seconds: a random wait clamped to `[min, max]` (default 2 and 30). */
  reconnect?: {
    /** Shortest wait in seconds (integer > 0, default 2). */
    minInterval?: number;
    /** Longest wait in seconds (integer >= minInterval, default 30 or minInterval if larger). */
    maxInterval?: number;
  };
  /**
   * CRLF keep-alive interval in seconds on stream and WebSocket flows (default 0: none of its own).
   * A registrar's RFC 5626 `Flow-Timer` replaces it, and no pong within 10 s fails the flow (the
   * user agent reconnects and registers again). With 0, a flow the registrar confirms as outbound
   * (`Require: outbound`) is still kept alive, at the Flow-Timer or every 96-120 s.
   */
  keepAliveInterval?: number;
}

/** The `User-Agent` header value {@link sipkitConfig} writes by default. */
export const SIPKIT_USER_AGENT = 'sipkit';

const INTEGER = { integer: true } as const;
const HEX = /^[0-9a-f]+$/i;

/**
 * Builds a {@link UserAgentConfig} with sipkit's own registration behaviour (the `sipkit` profile)
 * from a few options, for apps that write their configuration themselves (the `UserAgent` of
 * `@sipkit/ua/core` takes it as it is). Invalid values, and options it does not know (a typo
 * would otherwise be ignored), throw {@link ConfigError} with `source` `'sipkit'`.
 */
export function sipkitConfig(options: SipkitConfigOptions): UserAgentConfig {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('INVALID_TYPE', '(config)', 'sipkit', 'an options object');
  }
  const o = new OptionBag('sipkit', options as unknown as Record<string, unknown>, isUndefined);
  const aor = toSipUri(
    o.string('aor') ?? o.fail('MISSING', 'aor', 'a SIP URI with a user part'),
    'sipkit',
    'aor',
    {
      prependSip: true,
      requireUser: true,
    },
  );
  const servers = readServers(o);
  const username = o.username('authorizationUser', aor, 'aor', o.string('authorizationUser'));
  const realm = o.string('realm');
  const bound = realm === undefined ? {} : { realm };
  const digest: DigestCredential[] = [];
  const password = o.string('password');
  if (password !== undefined) digest.push(hideSecrets({ username, password, ha1: {}, ...bound }));
  const ha1 = readHa1(o);
  if (ha1) digest.push(hideSecrets({ username, ha1, ...bound }));

  const registrarText = o.string('registrar');
  const registrar =
    registrarText === undefined
      ? registrarFromAor(aor, false)
      : toSipUri(registrarText, 'sipkit', 'registrar', { prependSip: true, forbidUser: true });
  // 0 would be an un-REGISTER, which is ua.unregister()'s job (the sipkit profile refuses it).
  const expires = o.number('expires', { ...INTEGER, min: 1, max: 2 ** 32 - 1 }) ?? 600;
  const instanceText = o.string('instanceId');
  const instanceId =
    instanceText === undefined ? undefined : normaliseInstanceId(instanceText, 'sipkit', 'instanceId');
  const reconnect = readReconnect(o);
  const config: UserAgentConfig = {
    source: 'sipkit',
    profile: 'sipkit',
    profileParams: { profile: 'sipkit', expires },
    identity: {
      aor,
      displayName: o.oneLine('displayName', 'a display name'),
      authorizationUser: username,
    },
    credentials: { digest },
    servers,
    extraHeaders: o.headerLines('extraHeaders') ?? [],
    routeSet: [],
    preloadedRouteFromServer: false,
    contact: {
      randomTestNetHost: false,
      // The sipkit profile writes the Contact transport from the transport in use.
      uriParams: {},
      headerParams: [],
      instanceId,
      regId: 1,
      outbound: o.bool('outbound') ?? true,
      instanceIdAlwaysAdded: false,
      line: false,
    },
    registration: {
      enabled: o.bool('register') ?? true,
      registrar,
      expires,
      extraHeaders: [],
      supported: ['path', 'gruu', 'outbound'],
    },
    connection: {
      reconnect,
      keepAliveInterval: o.number('keepAliveInterval', { ...INTEGER, min: 0 }) ?? 0,
    },
    via: { forceRport: false },
    session: defaultSession(),
    media: {},
    userAgent: readUserAgent(o),
    lifecycle: { autoStop: false, gracefulShutdown: GRACEFUL_SHUTDOWN_SECONDS },
    traceSip: false,
    unsupported: [],
  };
  o.refuseRest('an option of SipkitConfigOptions');
  return config;
}

function readServers(o: OptionBag): ServerConfig[] {
  const raw = o.raw('servers') ?? o.fail('MISSING', 'servers', 'a server URL or URI, or an array of them');
  const entries = Array.isArray(raw) ? raw : [raw];
  if (entries.length === 0) o.fail('MISSING', 'servers', 'at least one server');
  return entries.map((entry, i) => {
    const key = Array.isArray(raw) ? `servers[${i}]` : 'servers';
    let server = entry;
    let weight = 0;
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      const e = new OptionBag('sipkit', entry as Record<string, unknown>, isUndefined, (k) => [k], `${key}.`);
      server = e.raw('server');
      weight = e.number('weight', {}) ?? 0;
      e.refuseRest('server or weight');
    }
    if (typeof server !== 'string') {
      throw new ConfigError(
        'INVALID_TYPE',
        key,
        'sipkit',
        'a ws:// or wss:// URL or a sip: URI',
        undefined,
        `got ${typeOf(server)}`,
      );
    }
    if (/^wss?:/i.test(server.trim())) {
      const url = parseServerUrl(server, 'sipkit', key, ['ws', 'wss']);
      return { url: url.url, uri: serverSipUri(url, 'ws'), transport: url.scheme as 'ws' | 'wss', weight };
    }
    return { ...sipServer(server, key), weight };
  });
}

/**
 * A `sip:` / `sips:` next hop: the transport from its `transport` parameter, else UDP; a `sips:`
 * URI is TLS ({@link hopTransport}), and refused over anything but `tcp` or `tls`.
 */
function sipServer(text: string, key: string): { uri: SipUri; transport: TransportProtocol } {
  const uri = toSipUri(text, 'sipkit', key, { forbidUser: true });
  const t = uri.transport;
  if (t !== undefined && t !== 'tcp' && t !== 'tls' && (uri.scheme === 'sips' || t !== 'udp')) {
    throw new ConfigError(
      'INVALID_URI',
      key,
      'sipkit',
      'a sip: URI over udp, tcp or tls, a sips: URI (TLS), or a ws:// or wss:// URL',
    );
  }
  return { uri, transport: (hopTransport(uri) ?? 'udp') as TransportProtocol };
}

function readHa1(o: OptionBag): DigestCredential['ha1'] | undefined {
  const raw = o.raw('ha1');
  if (raw === undefined) return undefined;
  const expected = 'an object of HA1s in hex per algorithm (MD5: 32 digits, SHA-256 and SHA-512-256: 64)';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) o.fail('INVALID_TYPE', 'ha1', expected);
  const ha1: DigestCredential['ha1'] = {};
  const given = Object.entries(raw as Record<string, unknown>);
  if (given.length === 0) o.fail('INVALID_VALUE', 'ha1', expected);
  for (const [alg, value] of given) {
    const digits = alg === 'MD5' ? 32 : alg === 'SHA-256' || alg === 'SHA-512-256' ? 64 : 0;
    if (typeof value !== 'string' || value.length !== digits || !HEX.test(value)) {
      // The key names the algorithm only: the value is a secret.
      o.fail('INVALID_VALUE', `ha1.${alg}`, expected);
    }
    ha1[alg as DigestAlgorithm] = (value as string).toLowerCase();
  }
  return ha1;
}

function readReconnect(o: OptionBag): UserAgentConfig['connection']['reconnect'] {
  const raw = o.raw('reconnect');
  if (raw === undefined) return { kind: 'clamped-backoff', minInterval: 2, maxInterval: 30 };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    o.fail('INVALID_TYPE', 'reconnect', 'an object');
  const r = new OptionBag('sipkit', raw as Record<string, unknown>, isUndefined, (k) => [k], 'reconnect.');
  const minInterval = r.number('minInterval', { ...INTEGER, above: 0 }) ?? 2;
  const maxInterval = r.number('maxInterval', { ...INTEGER, min: minInterval }) ?? Math.max(30, minInterval);
  r.refuseRest('minInterval or maxInterval');
  return { kind: 'clamped-backoff', minInterval, maxInterval };
}

function readUserAgent(o: OptionBag): string {
  const text = o.oneLine('userAgent', 'a User-Agent value');
  // RFC 3261 section 20.41: User-Agent holds at least one product or comment.
  if (text?.trim() === '') o.fail('INVALID_VALUE', 'userAgent', 'a User-Agent value that is not empty');
  return text ?? SIPKIT_USER_AGENT;
}
