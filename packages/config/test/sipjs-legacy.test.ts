import { describe, expect, it } from 'vitest';
import {
  fromSipJsLegacy,
  GRACEFUL_SHUTDOWN_SECONDS,
  SIPJS_LEGACY_DEFAULT_SERVER,
  SIPJS_LEGACY_USER_AGENT,
  snakeCase,
} from '../src/index.js';
import { configError } from './helpers.js';

const base = { uri: 'alice@example.com', wsServers: 'wss://edge.example.com', password: 'x' };

describe('fromSipJsLegacy defaults', () => {
  it('works with an empty config like SIP.js 0.7 (anonymous AOR, OnSIP edge)', () => {
    const c = fromSipJsLegacy({});
    expect(c.identity.aor.toString()).toBe('sip:anonymous@anonymous.invalid');
    expect(c.identity.anonymous).toBe(true);
    expect(c.servers.map((s) => s.url)).toEqual([SIPJS_LEGACY_DEFAULT_SERVER]);
    expect(c.credentials.digest).toEqual([]);
  });
  const c = fromSipJsLegacy(base);
  it('uses the sipjs-legacy profile with registerExpires 600 and E-3 refresh', () => {
    expect(c.profile).toBe('sipjs-legacy');
    expect(c.profileParams).toEqual({ profile: 'sipjs-legacy', registerExpires: 600, refreshMargin: 3 });
  });
  it('keeps the AOR params in the default registrar and prepends sip:', () => {
    expect(c.identity.aor.toString()).toBe('sip:alice@example.com');
    expect(c.registration.registrar.toString()).toBe('sip:example.com');
    const p = fromSipJsLegacy({ ...base, uri: 'sip:alice@example.com;transport=tcp' });
    expect(p.registration.registrar.toString()).toBe('sip:example.com;transport=tcp');
  });
  it('has the SIP.js 0.7 defaults', () => {
    expect(c.servers[0]).toMatchObject({ url: 'wss://edge.example.com', transport: 'wss', weight: 0 });
    expect(c.servers[0]!.uri.toString()).toBe('sip:edge.example.com;transport=ws');
    expect(c.contact).toMatchObject({
      outbound: true,
      regId: 1,
      randomTestNetHost: false,
      uriParams: { transport: 'ws' },
    });
    expect(c.registration).toMatchObject({
      enabled: true,
      expires: 600,
      supported: ['path', 'gruu', 'outbound'],
    });
    expect(c.connection).toEqual({
      reconnect: {
        kind: 'legacy-recovery',
        serverAttempts: 3,
        serverDelay: 4,
        minInterval: 2,
        maxInterval: 30,
      },
      keepAliveInterval: 0,
      keepAlivePongTimeout: undefined,
    });
    expect(c.via).toEqual({ forceRport: false, transportOverride: undefined });
    expect(c.userAgent).toBe(SIPJS_LEGACY_USER_AGENT);
    expect(c.lifecycle).toEqual({ autoStop: true, gracefulShutdown: GRACEFUL_SHUTDOWN_SECONDS });
    // The default autostart is not an option the config set: nothing to report.
    expect(c.unsupported).toEqual([]);
    expect(c.traceSip).toBe(false);
    expect(c.session).toMatchObject({
      noAnswerTimeout: 60,
      rel100: 'unsupported',
      replaces: 'unsupported',
      extraSupported: [],
    });
    expect(c.credentials.digest).toEqual([{ username: 'alice', password: 'x', ha1: {} }]);
    expect(c.unsupported).toEqual([]);
  });
});

describe('fromSipJsLegacy mapping', () => {
  it('snake_case alias rule', () => {
    expect(snakeCase('registerExpires')).toBe('register_expires');
    expect(snakeCase('wsServerMaxReconnection')).toBe('ws_server_max_reconnection');
  });
  const camel = {
    uri: 'sip:alice@example.com',
    wsServers: [
      { ws_uri: 'wss://a.example.com:8443', weight: 10 },
      { ws_uri: 'ws://b.example.com', weight: 1 },
    ],
    authorizationUser: 'alice123',
    password: 'secret',
    displayName: 'Alice ¶€ĸøĸø',
    register: false,
    registerExpires: 300,
    registrarServer: 'sip:registrar.example.com',
    instanceId: 'uuid:8f1fa16a-1165-4a96-8341-785b1ef24f12',
    hackIpInContact: true,
    hackViaTcp: true,
    hackWssInTransport: true,
    forceRport: true,
    usePreloadedRoute: true,
    extraSupported: ['timer'],
    userAgentString: 'MyApp',
    wsServerMaxReconnection: 5,
    wsServerReconnectionTimeout: 6,
    connectionRecoveryMinInterval: 3,
    connectionRecoveryMaxInterval: 40,
    keepAliveInterval: 30,
    traceSip: true,
    autostart: false,
    autostop: false,
    noAnswerTimeout: 120,
    rel100: 'required',
    replaces: 'supported',
    hackAllowUnregisteredOptionTags: true,
    stunServers: [],
    turnServers: [{ urls: 'turn:t.example.com', username: 'u', password: 'p' }],
    iceCheckingTimeout: 5000,
    rtcpMuxPolicy: 'negotiate',
    custom: { tenant: 7 },
  };
  const snake = Object.fromEntries(Object.entries(camel).map(([k, v]) => [snakeCase(k), v]));
  for (const [label, cfg] of [
    ['camelCase', camel],
    ['snake_case', snake],
  ] as const) {
    it(`maps every option (${label})`, () => {
      const c = fromSipJsLegacy(cfg);
      expect(c.servers.map((s) => [s.url, s.weight, s.uri.toString()])).toEqual([
        ['wss://a.example.com:8443', 10, 'sip:a.example.com:8443;transport=wss'],
        ['ws://b.example.com', 1, 'sip:b.example.com;transport=wss'],
      ]);
      expect(c.identity).toMatchObject({ authorizationUser: 'alice123', displayName: 'Alice ¶€ĸøĸø' });
      expect(c.credentials.digest[0]).toMatchObject({ username: 'alice123', password: 'secret' });
      expect(c.registration).toMatchObject({ enabled: false, expires: 300 });
      expect(c.registration.registrar.toString()).toBe('sip:registrar.example.com');
      expect(c.profileParams).toMatchObject({ registerExpires: 300 });
      expect(c.contact).toMatchObject({
        instanceId: 'urn:uuid:8f1fa16a-1165-4a96-8341-785b1ef24f12',
        randomTestNetHost: true,
        uriParams: { transport: 'wss' },
      });
      expect(c.via).toEqual({ forceRport: true, transportOverride: 'TCP' });
      expect(c.preloadedRouteFromServer).toBe(true);
      expect(c.session).toMatchObject({
        extraSupported: ['timer'],
        noAnswerTimeout: 120,
        rel100: 'required',
        replaces: 'supported',
      });
      expect(c.userAgent).toBe('MyApp');
      expect(c.connection).toEqual({
        reconnect: {
          kind: 'legacy-recovery',
          serverAttempts: 5,
          serverDelay: 6,
          minInterval: 3,
          maxInterval: 40,
        },
        keepAliveInterval: 30,
        keepAlivePongTimeout: 0, // a missing pong only emits keepAliveTimeout
      });
      expect(c.traceSip).toBe(true);
      expect(c.lifecycle).toEqual({ autoStop: false, gracefulShutdown: GRACEFUL_SHUTDOWN_SECONDS });
      expect(c.media).toEqual({
        stunServers: [],
        turnServers: [{ urls: 'turn:t.example.com', username: 'u', password: 'p' }],
        iceCheckingTimeout: 5000,
        rtcpMuxPolicy: 'negotiate',
      });
      expect(c.custom).toEqual({ tenant: 7 });
      expect(c.unsupported).toEqual([]);
    });
  }
  it('camelCase wins over snake_case', () => {
    const c = fromSipJsLegacy({ ...base, registerExpires: 100, register_expires: 200 });
    expect(c.registration.expires).toBe(100);
    expect(fromSipJsLegacy({ ...base, register_expires: 200 }).registration.expires).toBe(200);
  });
  it('hackIpInContact as a host string, contactTransport, instanceId without uuid:', () => {
    const c = fromSipJsLegacy({
      ...base,
      hack_ip_in_contact: '203.0.113.5',
      contactTransport: 'tcp',
      instanceId: '8f1fa16a-1165-4a96-8341-785b1ef24f12',
    });
    expect(c.contact).toMatchObject({
      host: '203.0.113.5',
      randomTestNetHost: false,
      uriParams: { transport: 'tcp' },
    });
    expect(c.contact.instanceId).toBe('urn:uuid:8f1fa16a-1165-4a96-8341-785b1ef24f12');
  });
  it('accepts udp:// servers and string arrays', () => {
    const c = fromSipJsLegacy({
      uri: base.uri,
      ws_servers: ['udp://u.example.com:5060', 'ws://w.example.com'],
    });
    expect(c.servers.map((s) => s.transport)).toEqual(['udp', 'ws']);
  });
  it('reports the options sipkit does not honour', () => {
    const c = fromSipJsLegacy({
      ...base,
      authenticationFactory: () => ({}),
      allowLegacyNotifications: true,
      log: { level: 3 },
      mediaHandlerFactory: () => ({}),
      autostart: true,
      bogus: 1,
    });
    expect(c.unsupported.map((u) => u.key)).toEqual([
      'autostart',
      'authenticationFactory',
      'allowLegacyNotifications',
      'log',
      'bogus',
    ]);
    expect(Object.keys(c.media)).toEqual(['mediaHandlerFactory']);
  });
});

describe('fromSipJsLegacy errors', () => {
  it.each([
    [{ uri: 'sip:example.com' }, 'INVALID_URI', 'uri'],
    [{ wsServers: 'http://x.example.com' }, 'INVALID_URI', 'wsServers'],
    [{ ws_servers: [{ ws_uri: 'wss://x', weight: '1' }] }, 'INVALID_TYPE', 'ws_servers[0].weight'],
    [{ wsServers: [{ weight: 1 }] }, 'INVALID_TYPE', 'wsServers[0]'],
    [{ registerExpires: 0 }, 'OUT_OF_RANGE', 'registerExpires'],
    [{ register_expires: -5 }, 'OUT_OF_RANGE', 'register_expires'],
    [{ registrarServer: 'sip:u@r.example.com' }, 'INVALID_URI', 'registrarServer'],
    [{ registrarServer: 5 }, 'INVALID_TYPE', 'registrarServer'],
    [{ instance_id: 'nope' }, 'INVALID_VALUE', 'instance_id'],
    [{ hackIpInContact: 'not a host!' }, 'INVALID_VALUE', 'hackIpInContact'],
    [{ hackIpInContact: 3 }, 'INVALID_TYPE', 'hackIpInContact'],
    [
      { connectionRecoveryMinInterval: 10, connectionRecoveryMaxInterval: 5 },
      'CONFLICT',
      'connectionRecoveryMaxInterval',
    ],
    [{ keepAliveInterval: 0 }, 'OUT_OF_RANGE', 'keepAliveInterval'],
    [{ wsServerMaxReconnection: 0 }, 'OUT_OF_RANGE', 'wsServerMaxReconnection'],
    [{ ws_server_reconnection_timeout: 'x' }, 'INVALID_TYPE', 'ws_server_reconnection_timeout'],
    [{ displayName: 'A "quoted" name' }, 'INVALID_VALUE', 'displayName'],
    [{ displayName: 'Alice\r\nRoute: <sip:evil>' }, 'INVALID_VALUE', 'displayName'],
    [{ userAgentString: 'Phone\r\nX-Injected: 1' }, 'INVALID_VALUE', 'userAgentString'],
    [{ user_agent_string: 'Phone\n' }, 'INVALID_VALUE', 'user_agent_string'],
    [{ authorizationUser: 'a"b' }, 'INVALID_VALUE', 'authorizationUser'],
    [{ rel100: 'maybe' }, 'INVALID_VALUE', 'rel100'],
    [{ replaces: 'required' }, 'INVALID_VALUE', 'replaces'],
    [{ extraSupported: [1] }, 'INVALID_TYPE', 'extraSupported'],
    [{ traceSip: 'yes' }, 'INVALID_TYPE', 'traceSip'],
  ])('%j -> %s on %s', (config, code, key) => {
    const e = configError(() => fromSipJsLegacy(config as never));
    expect([e.code, e.key, e.source]).toEqual([code, key, 'sipjs-legacy']);
    expect(e.expected.length).toBeGreaterThan(0);
  });
});

describe('fromSipJsLegacy: values written into headers as they are', () => {
  // Each would otherwise be refused (or break the header) only when a REGISTER is built.
  it.each([
    [{ contactTransport: 'ws;x=1' }, 'contactTransport'],
    [{ contact_transport: 'w s' }, 'contact_transport'],
    [{ contactTransport: 'ws>\r\nX-Injected: 1' }, 'contactTransport'],
    // With the hack every tag goes out, so each must be a token (without it they are dropped).
    [{ extraSupported: ['path', 'a b'], hackAllowUnregisteredOptionTags: true }, 'extraSupported[1]'],
    [
      { extra_supported: ['x\r\nX-Injected: 1'], hackAllowUnregisteredOptionTags: true },
      'extra_supported[0]',
    ],
    [{ authorizationUser: 'bob\r\nX-Injected: 1' }, 'authorizationUser'],
    // The digest username defaults to the AOR's user part, which an escape can give a quote.
    [{ uri: 'bo%22b@example.com' }, 'uri'],
  ])('%j -> INVALID_VALUE on %s', (config, key) => {
    const e = configError(() => fromSipJsLegacy({ ...base, ...config } as never));
    expect([e.code, e.key, e.source]).toEqual(['INVALID_VALUE', key, 'sipjs-legacy']);
    expect(e.message).not.toContain('Injected');
  });
  it('keeps a Contact transport and option tags that fit', () => {
    const c = fromSipJsLegacy({
      ...base,
      contactTransport: 'tcp',
      extraSupported: ['timer', 'x-foo.1'],
      hackAllowUnregisteredOptionTags: true,
    });
    expect(c.contact.uriParams).toEqual({ transport: 'tcp' });
    expect(c.session.extraSupported).toEqual(['timer', 'x-foo.1']);
  });
  it('drops unregistered option tags and repeats, as SIP.js does, unless hackAllowUnregisteredOptionTags', () => {
    const extraSupported = ['x-foo', 'timer', 'gruu', 'timer', 'Timer'];
    const dropped = fromSipJsLegacy({ ...base, extraSupported: [...extraSupported, 'a b', 'x\r\nX: 1'] });
    expect(dropped.session.extraSupported).toEqual(['timer', 'gruu']);
    const hack = fromSipJsLegacy({ ...base, extraSupported, hackAllowUnregisteredOptionTags: true });
    expect(hack.session.extraSupported).toEqual(['x-foo', 'timer', 'gruu', 'Timer']);
  });
});

describe('fromSipJsLegacy: URI ?headers (RFC 3261 section 19.1.1, Table 1)', () => {
  it.each([
    [{ ...base, uri: 'alice@example.com?Subject=Secret7' }, 'uri'],
    [{ ...base, registrarServer: 'sip:example.com?Subject=Secret7' }, 'registrarServer'],
    [{ ...base, registrar_server: 'example.com?Subject=Secret7' }, 'registrar_server'],
  ])('refuses them in an AOR or Request-URI: %j', (options, key) => {
    const e = configError(() => fromSipJsLegacy(options));
    expect([e.code, e.key]).toEqual(['INVALID_URI', key]);
    expect(e.message).toContain('?headers');
    expect(e.message).not.toContain('Secret7');
  });
});
