import { describe, expect, it } from 'vitest';
import { fromSipJs, GRACEFUL_SHUTDOWN_SECONDS, SIPJS_USER_AGENT } from '../src/index.js';
import { configError } from './helpers.js';

const ID = '8f1fa16a-1165-4a96-8341-785b1ef24f12';
const ua = { uri: 'sip:alice@example.com', transportOptions: { server: 'wss://edge.example.com' } };

/** Stands in for a SIP.js `URI` object: only its string form is used. */
class FakeUri {
  constructor(private readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const anyTags = { hackAllowUnregisteredOptionTags: true };

describe('fromSipJs defaults (Appendix A.3 config)', () => {
  const c = fromSipJs(ua);
  it('uses the sipjs profile: expires 600, refreshFrequency 99', () => {
    expect(c.profile).toBe('sipjs');
    expect(c.profileParams).toEqual({ profile: 'sipjs', expires: 600, refreshFrequency: 99 });
    expect(c.registration.expires).toBe(600);
  });
  it('registrar is the AOR without user; no outbound params by default', () => {
    expect(c.registration.registrar.toString()).toBe('sip:example.com');
    expect(c.contact).toMatchObject({
      outbound: false,
      regId: undefined,
      instanceId: undefined,
      user: undefined,
    });
    expect(c.contact.uriParams).toEqual({ transport: 'ws' });
    expect(c.contact.headerParams).toEqual([]);
    expect(c.registration.supported).toEqual(['outbound', 'path', 'gruu']);
    expect(c.registration.enabled).toBe(false);
  });
  it('has the UserAgent and transport defaults', () => {
    expect(c.servers).toHaveLength(1);
    expect(c.servers[0]).toMatchObject({ url: 'wss://edge.example.com', transport: 'wss', weight: 0 });
    expect(c.connection).toEqual({
      reconnect: { kind: 'fixed', attempts: 0, delay: 4 },
      keepAliveInterval: 0,
      connectionTimeout: 5,
    });
    expect(c.userAgent).toBe(SIPJS_USER_AGENT);
    expect(c.identity.authorizationUser).toBe('alice');
    expect(c.credentials.digest).toEqual([]);
    expect(c.routeSet).toEqual([]);
    expect(c.lifecycle).toEqual({ autoStop: true, gracefulShutdown: GRACEFUL_SHUTDOWN_SECONDS });
    expect(c.traceSip).toBe(true);
    expect(c.session).toMatchObject({ noAnswerTimeout: 60, rel100: 'unsupported', replaces: 'unsupported' });
    expect(c.unsupported).toEqual([]);
  });
  it('defaults the AOR to anonymous', () => {
    const a = fromSipJs({ transportOptions: ua.transportOptions });
    expect(a.identity.aor.host).toBe('anonymous.invalid');
    expect(a.identity.anonymous).toBe(true);
  });
});

describe('fromSipJs option mapping', () => {
  it('maps every UserAgentOptions option', () => {
    const sdh = () => ({});
    const c = fromSipJs({
      uri: new FakeUri('sip:alice@example.com;transport=ws'),
      authorizationUsername: 'alice123',
      authorizationPassword: 'pw',
      contactName: 'alicecontact',
      contactParams: { transport: 'ws', ob: 'x' },
      displayName: 'Alice ¶€ĸøĸø',
      forceRport: true,
      hackViaTcp: true,
      hackAllowUnregisteredOptionTags: true,
      instanceId: `uuid:${ID}`,
      instanceIdAlwaysAdded: true,
      noAnswerTimeout: 90,
      preloadedRouteSet: ['<sip:proxy.example.com;lr>', 'sip:p2.example.com;lr'],
      reconnectionAttempts: 3,
      reconnectionDelay: 2,
      sipExtension100rel: 'Supported',
      sipExtensionReplaces: 'Required',
      sipExtensionExtraSupported: ['timer'],
      sessionDescriptionHandlerFactory: sdh,
      sessionDescriptionHandlerFactoryOptions: { iceGatheringTimeout: 500 },
      userAgentString: 'MyApp/1',
      viaHost: 'client.example.net',
      gracefulShutdown: false,
      autoStart: true,
      autoStop: false,
      transportOptions: {
        server: 'ws://edge.example.com:8080/ws',
        connectionTimeout: 7,
        keepAliveInterval: 25,
        keepAliveDebounce: 12,
        traceSip: false,
      },
    });
    expect(c.identity).toMatchObject({ authorizationUser: 'alice123', displayName: 'Alice ¶€ĸøĸø' });
    expect(c.registration.registrar.toString()).toBe('sip:example.com;transport=ws');
    expect(c.credentials.digest).toEqual([{ username: 'alice123', password: 'pw', ha1: {} }]);
    expect(c.contact).toMatchObject({
      user: 'alicecontact',
      host: 'client.example.net',
      uriParams: { transport: 'ws', ob: 'x' },
      instanceIdAlwaysAdded: true,
      uaInstanceId: `urn:uuid:${ID}`,
      outbound: false,
    });
    expect(c.via).toEqual({ forceRport: true, transportOverride: 'TCP' });
    expect(c.session).toMatchObject({
      noAnswerTimeout: 90,
      rel100: 'supported',
      replaces: 'required',
      extraSupported: ['timer'],
    });
    expect(c.routeSet.map(String)).toEqual(['sip:proxy.example.com;lr', 'sip:p2.example.com;lr']);
    expect(c.connection).toEqual({
      reconnect: { kind: 'fixed', attempts: 3, delay: 2 },
      keepAliveInterval: 25,
      keepAlivePongTimeout: 0, // SIP.js pings but never checks for a pong
      connectionTimeout: 7,
    });
    expect(c.servers[0]).toMatchObject({ url: 'ws://edge.example.com:8080/ws', transport: 'ws' });
    expect(c.media).toEqual({
      sessionDescriptionHandlerFactory: sdh,
      sessionDescriptionHandlerFactoryOptions: { iceGatheringTimeout: 500 },
    });
    expect(c.userAgent).toBe('MyApp/1');
    expect(c.lifecycle).toEqual({ autoStop: false, gracefulShutdown: 0 });
    expect(c.traceSip).toBe(false);
    expect(c.unsupported.map((u) => u.key)).toEqual(['transportOptions.keepAliveDebounce', 'autoStart']);
  });
  it('sends only registered option tags, each once, unless hackAllowUnregisteredOptionTags', () => {
    const sipExtensionExtraSupported = ['x-foo', 'timer', 'bar, baz', 'gruu', 'timer\r\nX: 1', 'timer'];
    expect(fromSipJs({ ...ua, sipExtensionExtraSupported }).session.extraSupported).toEqual([
      'timer',
      'gruu',
    ]);
    const hack = fromSipJs({
      ...ua,
      sipExtensionExtraSupported: ['x-foo', 'timer', 'gruu', 'timer'],
      ...anyTags,
    });
    expect(hack.session.extraSupported).toEqual(['x-foo', 'timer', 'gruu']);
  });
  it('hackWssInTransport, an option of SIP.js 0.7 that 0.21 does not have, changes nothing and is reported', () => {
    const c = fromSipJs({ ...ua, hackWssInTransport: true } as never);
    expect(c.contact.uriParams).toEqual({ transport: 'ws' });
    expect(c.unsupported.map((u) => u.key)).toContain('hackWssInTransport');
  });
  it('authorizationHa1 is used instead of the password, for any realm', () => {
    const c = fromSipJs({
      ...ua,
      authorizationPassword: 'pw',
      authorizationHa1: '350FE29CE3890BD85D105998B0A95CF7',
    });
    expect(c.credentials.digest).toEqual([
      { username: 'alice', ha1: { MD5: '350fe29ce3890bd85d105998b0a95cf7' } },
    ]);
    expect(c.credentials.digest[0]!.realm).toBeUndefined();
  });
  it('empty strings mean "not set" for credentials and contact name', () => {
    const c = fromSipJs({
      ...ua,
      authorizationUsername: '',
      authorizationPassword: '',
      contactName: '',
      displayName: '',
    });
    expect(c.identity.authorizationUser).toBe('alice');
    expect(c.credentials.digest).toEqual([]);
    expect(c.contact.user).toBeUndefined();
    expect(c.identity.displayName).toBeUndefined();
  });
  it('hackIpInContact: true picks a TEST-NET host, a string sets the Via host', () => {
    expect(fromSipJs({ ...ua, hackIpInContact: true }).contact.randomTestNetHost).toBe(true);
    expect(fromSipJs({ ...ua, hackIpInContact: '198.51.100.7' }).contact.host).toBe('198.51.100.7');
  });
  it('maps every RegistererOptions option', () => {
    const c = fromSipJs(ua, {
      expires: 300,
      refreshFrequency: 50,
      registrar: new FakeUri('sip:registrar.example.com'),
      extraHeaders: ['X-A: 1'],
      extraContactHeaderParams: ['+sip.src=1'],
      params: {
        fromUri: 'sip:from@example.com',
        toUri: 'sip:to@example.com',
        fromTag: 'abc',
        fromDisplayName: 'F',
        toDisplayName: 'T',
      },
    });
    expect(c.profileParams).toEqual({ profile: 'sipjs', expires: 300, refreshFrequency: 50 });
    expect(c.registration.registrar.toString()).toBe('sip:registrar.example.com');
    expect(c.registration.extraHeaders).toEqual(['X-A: 1']);
    expect(c.contact.headerParams).toEqual(['+sip.src=1']);
    expect(c.registration.requestOverrides).toMatchObject({
      fromTag: 'abc',
      fromDisplayName: 'F',
      toDisplayName: 'T',
    });
    expect(String(c.registration.requestOverrides?.fromUri)).toBe('sip:from@example.com');
    expect(String(c.registration.requestOverrides?.toUri)).toBe('sip:to@example.com');
    expect(fromSipJs(ua, { refreshFrequency: 99 }).profileParams).toMatchObject({ refreshFrequency: 99 });
  });
  it('expires 0 becomes 600, as `options.expires || 600` does', () => {
    expect(fromSipJs(ua, { expires: 0 }).registration.expires).toBe(600);
  });
  it('regId / instanceId rule of registerer.ts', () => {
    // regId > 0 without instanceId borrows the UA's instance id.
    expect(fromSipJs({ ...ua, instanceId: ID }, { regId: 2 }).contact).toMatchObject({
      outbound: true,
      regId: 2,
      instanceId: `urn:uuid:${ID}`,
    });
    // ... or a generated one when the UA has none.
    expect(fromSipJs(ua, { regId: 1 }).contact).toMatchObject({
      outbound: true,
      regId: 1,
      instanceId: undefined,
    });
    // instanceId without regId forces reg-id 1.
    expect(fromSipJs(ua, { instanceId: ID }).contact).toMatchObject({
      outbound: true,
      regId: 1,
      instanceId: `urn:uuid:${ID}`,
    });
    // A UA instance id alone adds nothing to REGISTER.
    expect(fromSipJs({ ...ua, instanceId: ID }).contact).toMatchObject({ outbound: false, regId: undefined });
  });
  it('maps deprecated transport spellings', () => {
    const c = fromSipJs({
      uri: 'sip:alice@example.com',
      transportOptions: {
        wsServers: 'wss://old.example.com',
        maxReconnectionAttempts: 5,
        reconnectionTimeout: 9,
      },
    });
    expect(c.servers[0]!.url).toBe('wss://old.example.com');
    expect(c.connection.reconnect).toEqual({ kind: 'fixed', attempts: 5, delay: 9 });
  });
  it('reports options sipkit does not honour', () => {
    const c = fromSipJs(
      {
        ...ua,
        delegate: {},
        transportConstructor: class {},
        allowLegacyNotifications: true,
        sipjsId: 'abcde',
        logLevel: 'debug',
        logBuiltinEnabled: false,
        logConnector: () => {},
        logConfiguration: false,
        whatever: 1,
        transportOptions: { server: 'wss://e.example.com', headers: {} },
      },
      { logConfiguration: false, nope: true },
    );
    expect(c.unsupported.map((u) => u.key)).toEqual([
      'transportOptions.headers',
      'delegate',
      'transportConstructor',
      'allowLegacyNotifications',
      'sipjsId',
      'logBuiltinEnabled',
      'logConfiguration',
      'logConnector',
      'logLevel',
      'whatever',
      'registerer.logConfiguration',
      'registerer.nope',
    ]);
    expect(c.unsupported.every((u) => u.source === 'sipjs' && u.reason.length > 0)).toBe(true);
  });
});

describe('fromSipJs errors', () => {
  it.each([
    [{ ...ua, uri: 'sip:example.com' }, {}, 'INVALID_URI', 'uri'],
    [{ ...ua, uri: 12 }, {}, 'INVALID_TYPE', 'uri'],
    // A URI object whose toString() does not give text.
    [{ ...ua, uri: { toString: () => 5 } }, {}, 'INVALID_TYPE', 'uri'],
    [
      {
        ...ua,
        uri: {
          toString: () => {
            throw new Error('x');
          },
        },
      },
      {},
      'INVALID_TYPE',
      'uri',
    ],
    [ua, { registrar: { toString: (): unknown => null } }, 'INVALID_TYPE', 'registerer.registrar'],
    [{ uri: 'sip:a@b.c' }, {}, 'MISSING', 'transportOptions.server'],
    [
      { uri: 'sip:a@b.c', transportOptions: { server: 'udp://b.c' } },
      {},
      'INVALID_URI',
      'transportOptions.server',
    ],
    [{ ...ua, transportOptions: 'wss://x' }, {}, 'INVALID_TYPE', 'transportOptions'],
    [{ ...ua, instanceId: 'zzz' }, {}, 'INVALID_VALUE', 'instanceId'],
    [{ ...ua, authorizationHa1: 'short' }, {}, 'INVALID_VALUE', 'authorizationHa1'],
    [{ ...ua, contactParams: { transport: ['ws'] } }, {}, 'INVALID_TYPE', 'contactParams'],
    [{ ...ua, contactName: { user: 'x' } }, {}, 'INVALID_TYPE', 'contactName'],
    [{ ...ua, preloadedRouteSet: ['not a uri'] }, {}, 'INVALID_URI', 'preloadedRouteSet[0]'],
    [{ ...ua, sipExtension100rel: 'supported' }, {}, 'INVALID_VALUE', 'sipExtension100rel'],
    [{ ...ua, viaHost: 'bad host' }, {}, 'INVALID_VALUE', 'viaHost'],
    [{ ...ua, displayName: 'Alice\r\nRoute: <sip:evil>' }, {}, 'INVALID_VALUE', 'displayName'],
    [{ ...ua, userAgentString: 'Phone\r\nX-Injected: 1' }, {}, 'INVALID_VALUE', 'userAgentString'],
    [ua, { extraHeaders: ['X-A: 1', 'X-B: 2\nX-C: 3'] }, 'INVALID_VALUE', 'registerer.extraHeaders[1]'],
    [ua, { extraHeaders: ['X-A'] }, 'INVALID_VALUE', 'registerer.extraHeaders[0]'],
    [ua, { extraHeaders: ['X A: 1'] }, 'INVALID_VALUE', 'registerer.extraHeaders[0]'],
    [ua, { params: { fromDisplayName: 'A\nB' } }, 'INVALID_VALUE', 'registerer.params.fromDisplayName'],
    [ua, { params: { toDisplayName: 'A\rB' } }, 'INVALID_VALUE', 'registerer.params.toDisplayName'],
    [{ ...ua, reconnectionAttempts: -1 }, {}, 'OUT_OF_RANGE', 'reconnectionAttempts'],
    [{ ...ua, noAnswerTimeout: '60' }, {}, 'INVALID_TYPE', 'noAnswerTimeout'],
    [ua, { expires: -1 }, 'OUT_OF_RANGE', 'registerer.expires'],
    [ua, { refreshFrequency: 49 }, 'OUT_OF_RANGE', 'registerer.refreshFrequency'],
    [ua, { refreshFrequency: 100 }, 'OUT_OF_RANGE', 'registerer.refreshFrequency'],
    [ua, { regId: -1 }, 'OUT_OF_RANGE', 'registerer.regId'],
    [ua, { instanceId: 'x' }, 'INVALID_VALUE', 'registerer.instanceId'],
    [ua, { registrar: 'http://x' }, 'INVALID_URI', 'registerer.registrar'],
    [ua, { extraContactHeaderParams: 'a=b' }, 'INVALID_TYPE', 'registerer.extraContactHeaderParams'],
    [ua, { params: { fromUri: 'nope' } }, 'INVALID_URI', 'registerer.params.fromUri'],
  ])('%j %j -> %s on %s', (u, r, code, key) => {
    const e = configError(() => fromSipJs(u as never, r as never));
    expect([e.code, e.key, e.source]).toEqual([code, key, 'sipjs']);
  });
});

describe('fromSipJs: values written into headers as they are', () => {
  // Each would otherwise be refused (or break the header) only when a REGISTER is built.
  it.each([
    [
      ua,
      { extraContactHeaderParams: ['a=1', 'b=2\r\nX-Injected: 1'] },
      'registerer.extraContactHeaderParams[1]',
    ],
    [ua, { extraContactHeaderParams: ['a b'] }, 'registerer.extraContactHeaderParams[0]'],
    [ua, { extraContactHeaderParams: ['a=<sip:x>'] }, 'registerer.extraContactHeaderParams[0]'],
    [ua, { extraContactHeaderParams: ['a=b,c'] }, 'registerer.extraContactHeaderParams[0]'],
    [ua, { extraContactHeaderParams: ['a="open'] }, 'registerer.extraContactHeaderParams[0]'],
    [ua, { extraContactHeaderParams: ['a='] }, 'registerer.extraContactHeaderParams[0]'],
    [ua, { extraContactHeaderParams: [''] }, 'registerer.extraContactHeaderParams[0]'],
    [ua, { extraContactHeaderParams: [';a'] }, 'registerer.extraContactHeaderParams[0]'],
    [ua, { params: { fromTag: 'a b' } }, 'registerer.params.fromTag'],
    [ua, { params: { fromTag: 'x\r\nX: 1' } }, 'registerer.params.fromTag'],
    // A % that starts no escape: SIP.js cannot write it either (it throws on every message).
    [{ ...ua, contactName: 'bob smith 100%' }, {}, 'contactName'],
    [{ ...ua, contactParams: { x: '\ud800' } }, {}, 'contactParams'],
    // With the hack every tag goes out, so each must be a token (without it they are dropped).
    [
      { ...ua, ...anyTags, sipExtensionExtraSupported: ['foo', 'bar, baz'] },
      {},
      'sipExtensionExtraSupported[1]',
    ],
    [{ ...ua, ...anyTags, sipExtensionExtraSupported: ['foo\r\nX: 1'] }, {}, 'sipExtensionExtraSupported[0]'],
    [{ ...ua, authorizationUsername: 'bob\r\nX: 1' }, {}, 'authorizationUsername'],
    [{ ...ua, authorizationUsername: 'bob"' }, {}, 'authorizationUsername'],
    // The digest username defaults to the AOR's user part, which an escape can give a line break.
    [{ ...ua, uri: 'sip:bob%0D%0AX@example.com' }, {}, 'uri'],
  ])('%j %j -> INVALID_VALUE on %s', (u, r, key) => {
    const e = configError(() => fromSipJs(u as never, r as never));
    expect([e.code, e.key, e.source]).toEqual(['INVALID_VALUE', key, 'sipjs']);
    expect(e.message).not.toMatch(/Injected|evil|baz|smith/);
  });
  it('keeps Contact header parameters that are generic-params, one per entry, as the parser reads them', () => {
    const c = fromSipJs(ua, {
      extraContactHeaderParams: [
        '+sip.foo="<sip:x y>"',
        'a=b;c',
        'lr',
        'maddr=[2001:db8::1]',
        'q="a\\\\b\\"c"',
        ' d = e ; f ',
        'g="\\h"',
      ],
    });
    expect(c.contact.headerParams).toEqual([
      '+sip.foo="<sip:x y>"',
      'a=b',
      'c',
      'lr',
      'maddr=[2001:db8::1]',
      'q="a\\\\b\\"c"',
      // White space around = and ; is dropped; a needless quoted-pair too.
      'd=e',
      'f',
      'g="h"',
    ]);
  });
  it('escapes the Contact user as SIP.js does (URI.escapeUser), escapes given kept', () => {
    const user = (contactName: string) => fromSipJs({ ...ua, contactName }).contact.user;
    expect(user('alice@example.com')).toBe('alice%40example.com');
    expect(user('John Smith')).toBe('John%20Smith');
    expect(user('#100')).toBe('%23100');
    expect(user('josé')).toBe('jos%C3%A9');
    expect(user('a+b/c?d')).toBe('a+b/c?d'); // SIP.js leaves + / : ? as they are
    expect(user('bob%20smith;x')).toBe('bob%20smith%3Bx');
    expect(user('bob>\r\n')).toBe('bob%3E%0D%0A');
    expect(user(1001 as never)).toBe('1001'); // as text, as SIP.js writes it
  });
  it('writes Contact URI parameters as SIP.js does, escaping what a URI parameter cannot hold', () => {
    const params = (contactParams: Record<string, unknown>) =>
      fromSipJs({ ...ua, contactParams } as never).contact.uriParams;
    // What apps that migrate from SIP.js write: a quoted instance id, a numeric reg-id, a flag.
    expect(
      params({
        transport: 'ws',
        '+sip.instance': '"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>"',
        'reg-id': 1,
        '+sip.ice': undefined,
        ob: null,
        x: true,
        '': 'skipped', // SIP.js skips a parameter without a name
      }),
    ).toEqual({
      transport: 'ws',
      '+sip.instance': '%22%3Curn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6%3E%22',
      'reg-id': '1',
      '+sip.ice': null,
      ob: null,
      x: 'true',
    });
    expect(params({ Transport: 'ws', lr: '', k: 'a%3Bb', x: 'a;b=c', 'x y': '1>\r\n', q: '1?h=v' })).toEqual({
      transport: 'ws',
      lr: '',
      k: 'a%3Bb',
      x: 'a%3Bb%3Dc',
      'x%20y': '1%3E%0D%0A',
      q: '1%3Fh%3Dv',
    });
  });
  it('keeps a from tag that is a token', () => {
    const c = fromSipJs(ua, { params: { fromTag: 'abc.123' } });
    expect(c.registration.requestOverrides?.fromTag).toBe('abc.123');
  });
});

describe('fromSipJs: preloadedRouteSet with a password (RFC 3261 section 19.1.1)', () => {
  it.each(['<sip:u1:Pw0rd@p.example.com;lr>', 'sip:u1:Pw0rd@p.example.com;lr'])(
    'refuses %s without quoting it: it would go out in every Route and trace',
    (route) => {
      const e = configError(() =>
        fromSipJs({ ...ua, preloadedRouteSet: ['<sip:ok.example.com;lr>', route] }),
      );
      expect([e.code, e.key]).toEqual(['INVALID_URI', 'preloadedRouteSet[1]']);
      expect(e.message).toContain('password');
      expect(e.message).not.toContain('Pw0rd');
    },
  );
});

describe('fromSipJs: URI ?headers (RFC 3261 section 19.1.1, Table 1)', () => {
  it.each([
    [{ ...ua, uri: 'sip:alice@example.com?Subject=Secret7' }, {}, 'uri'],
    [{ ...ua, uri: new FakeUri('sip:alice@example.com?Subject=Secret7') }, {}, 'uri'],
    [ua, { registrar: 'sip:example.com?Subject=Secret7' }, 'registerer.registrar'],
    [ua, { params: { fromUri: 'sip:a@example.com?Subject=Secret7' } }, 'registerer.params.fromUri'],
    [ua, { params: { toUri: 'sip:a@example.com?Subject=Secret7' } }, 'registerer.params.toUri'],
    [{ ...ua, preloadedRouteSet: ['<sip:p.example.com;lr?Subject=Secret7>'] }, {}, 'preloadedRouteSet[0]'],
    [{ ...ua, preloadedRouteSet: ['sip:p.example.com;lr?Subject=Secret7'] }, {}, 'preloadedRouteSet[0]'],
  ])('refuses them in an AOR, Request-URI or Route: %j %j', (u, r, key) => {
    const e = configError(() => fromSipJs(u as never, r as never));
    expect([e.code, e.key]).toEqual(['INVALID_URI', key]);
    expect(e.message).toContain('?headers');
    expect(e.message).not.toContain('Secret7');
  });
});
