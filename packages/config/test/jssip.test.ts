import { inspect } from 'node:util';
import { NameAddr } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import { ConfigError, fromJsSIP, JSSIP_USER_AGENT } from '../src/index.js';
import { configError as err } from './helpers.js';

const base = { uri: 'sip:alice@example.com', sockets: ['wss://edge.example.com'], password: 'x' };

describe('fromJsSIP defaults (Appendix A.2 config)', () => {
  const c = fromJsSIP(base);
  it('uses the jssip profile with register_expires 600', () => {
    expect(c.source).toBe('jssip');
    expect(c.profile).toBe('jssip');
    expect(c.profileParams).toEqual({ profile: 'jssip', registerExpires: 600, minRegisterExpires: 10 });
    expect(c.registration.expires).toBe(600);
  });
  it('derives the registrar and authorization user from uri', () => {
    expect(c.identity.aor.toString()).toBe('sip:alice@example.com');
    expect(c.registration.registrar.toString()).toBe('sip:example.com');
    expect(c.identity.authorizationUser).toBe('alice');
    expect(c.identity.displayName).toBeUndefined();
  });
  it('maps the socket to a wss server with a ws sip uri and weight 0', () => {
    expect(c.servers).toHaveLength(1);
    expect(c.servers[0]!.url).toBe('wss://edge.example.com');
    expect(c.servers[0]!.transport).toBe('wss');
    expect(c.servers[0]!.uri.toString()).toBe('sip:edge.example.com;transport=ws');
    expect(c.servers[0]!.weight).toBe(0);
  });
  it("has a password credential for any realm (MD5 only is the profile's rule)", () => {
    expect(c.credentials.digest).toEqual([{ username: 'alice', password: 'x', ha1: {} }]);
    expect(c.credentials.digest[0]!.algorithms).toBeUndefined();
    expect(c.credentials.bearer).toBeUndefined();
  });
  it('always sends reg-id=1 and +sip.instance; instance generated later', () => {
    expect(c.contact.outbound).toBe(true);
    expect(c.contact.regId).toBe(1);
    expect(c.contact.instanceId).toBeUndefined();
    expect(c.contact.uriParams).toEqual({ transport: 'ws' });
  });
  it('carries the remaining JsSIP defaults', () => {
    expect(c.registration.enabled).toBe(true);
    expect(c.registration.supported).toEqual(['path', 'gruu', 'outbound']);
    expect(c.registration.fromTagTrail).toBeUndefined();
    expect(c.preloadedRouteFromServer).toBe(false);
    expect(c.connection.reconnect).toEqual({ kind: 'clamped-backoff', minInterval: 2, maxInterval: 30 });
    expect(c.connection.keepAliveInterval).toBe(0);
    expect(c.extraHeaders).toEqual([]);
    expect(c.userAgent).toBe(JSSIP_USER_AGENT);
    expect(c.session).toMatchObject({
      timers: true,
      refreshMethod: 'UPDATE',
      forceRefresher: false,
      noAnswerTimeout: 60,
    });
    expect(c.unsupported).toEqual([]);
  });
});

describe('fromJsSIP option mapping', () => {
  it('maps weighted sockets, socket objects and via_transport', () => {
    const c = fromJsSIP({
      ...base,
      sockets: [
        { socket: { url: 'wss://a.example.com:8443/ws', via_transport: 'TCP' }, weight: 10 },
        { socket: 'ws://b.example.com', weight: 1 },
        { url: 'wss://c.example.com' },
      ],
    });
    expect(c.servers.map((s) => [s.url, s.weight, s.transport])).toEqual([
      ['wss://a.example.com:8443/ws', 10, 'wss'],
      ['ws://b.example.com', 1, 'ws'],
      ['wss://c.example.com', 0, 'wss'],
    ]);
    expect(c.servers[0]!.uri.toString()).toBe('sip:a.example.com:8443;transport=ws');
    expect(c.servers[0]!.viaTransport).toBe('TCP');
    expect(c.servers[1]!.viaTransport).toBeUndefined();
  });
  it('accepts a single socket and prepends sip: to uri', () => {
    const c = fromJsSIP({ uri: 'bob@example.org', sockets: { url: 'ws://x.example.org' } });
    expect(c.identity.aor.toString()).toBe('sip:bob@example.org');
    expect(c.servers[0]!.transport).toBe('ws');
    expect(c.credentials.digest).toEqual([]);
  });
  it('keeps a multi-byte display_name intact', () => {
    const c = fromJsSIP({ ...base, display_name: 'Alice ¶€ĸøĸø 日本' });
    expect(c.identity.displayName).toBe('Alice ¶€ĸøĸø 日本');
    expect(new NameAddr(c.identity.aor, c.identity.displayName).toString()).toBe(
      '"Alice ¶€ĸøĸø 日本" <sip:alice@example.com>',
    );
  });
  it('normalises instance_id with and without uuid:', () => {
    const id = '8f1fa16a-1165-4a96-8341-785b1ef24f12';
    expect(fromJsSIP({ ...base, instance_id: `uuid:${id}` }).contact.instanceId).toBe(`urn:uuid:${id}`);
    expect(fromJsSIP({ ...base, instance_id: id }).contact.instanceId).toBe(`urn:uuid:${id}`);
  });
  it('maps registrar_server and register_expires', () => {
    const c = fromJsSIP({ ...base, registrar_server: 'registrar.example.com', register_expires: 300 });
    expect(c.registration.registrar.toString()).toBe('sip:registrar.example.com');
    expect(c.registration.expires).toBe(300);
    expect(c.profileParams).toMatchObject({ registerExpires: 300 });
    expect(fromJsSIP({ ...base, register_expires: '120' }).registration.expires).toBe(120);
    expect(fromJsSIP({ ...base, register_expires: 0 }).registration.expires).toBe(0);
  });
  it("accepts session_timers_refresh_method: 'invite' in any case", () => {
    const c = fromJsSIP({
      ...base,
      session_timers: false,
      session_timers_refresh_method: 'invite',
      session_timers_force_refresher: true,
      no_answer_timeout: 30,
    });
    expect(c.session).toMatchObject({
      timers: false,
      refreshMethod: 'INVITE',
      forceRefresher: true,
      noAnswerTimeout: 30,
    });
  });
  it('maps credentials: authorization_user, ha1 bound to realm, JWT verbatim', () => {
    const c = fromJsSIP({
      ...base,
      password: 1234,
      authorization_user: 'alice123',
      realm: 'example.com',
      ha1: '350FE29CE3890BD85D105998B0A95CF7',
      authorization_jwt: 'Bearer abc.def.ghi',
    });
    expect(c.identity.authorizationUser).toBe('alice123');
    expect(c.credentials.digest).toEqual([
      { username: 'alice123', password: '1234', ha1: {} },
      { username: 'alice123', ha1: { MD5: '350fe29ce3890bd85d105998b0a95cf7' }, realm: 'example.com' },
    ]);
    expect(c.credentials.digest[1]!.realmIgnoresCase).toBeUndefined();
    expect(c.credentials.bearer).toEqual({ authorization: 'Bearer abc.def.ghi', preemptive: true });
  });
  it('JSON and util.inspect of the config show no password, HA1 or token', () => {
    const c = fromJsSIP({
      ...base,
      password: 'S3cretPW',
      realm: 'example.com',
      ha1: '350fe29ce3890bd85d105998b0a95cf7',
      authorization_jwt: 'Bearer tok.en.value',
    });
    for (const text of [
      JSON.stringify(c),
      inspect(c, { depth: 8 }),
      inspect(c, { depth: 8, showHidden: true }),
    ]) {
      for (const secret of ['S3cretPW', '350fe29ce3890bd85d105998b0a95cf7', 'tok.en.value']) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('<redacted>');
      expect(text).toContain('alice');
    }
    // The data itself is unchanged.
    expect(c.credentials.digest[0]!.password).toBe('S3cretPW');
    expect(Object.keys(c.credentials.digest[0]!)).toEqual(['username', 'password', 'ha1']);
  });
  it('refuses a password in the URI (RFC 3261 section 19.1.1) without quoting it', () => {
    for (const options of [
      { ...base, uri: 'sip:alice:Pw0rd@example.com' },
      { ...base, registrar_server: 'sip:x:Pw0rd@example.com' },
    ]) {
      let error: unknown;
      try {
        fromJsSIP(options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ code: 'INVALID_URI' });
      expect(String((error as Error).message)).toContain('password');
      expect(String((error as Error).message)).not.toContain('Pw0rd');
    }
  });
  it('reports an ha1 without realm as unsupported', () => {
    const c = fromJsSIP({ uri: base.uri, sockets: base.sockets, ha1: '350fe29ce3890bd85d105998b0a95cf7' });
    expect(c.credentials.digest).toEqual([]);
    expect(c.unsupported.map((u) => u.key)).toEqual(['ha1']);
  });
  it('maps contact_uri (its host becomes the Via host)', () => {
    const c = fromJsSIP({ ...base, contact_uri: 'sip:me@192.0.2.10;transport=ws' });
    expect(c.contact.uri?.toString()).toBe('sip:me@192.0.2.10;transport=ws');
    expect(c.contact.host).toBe('192.0.2.10');
  });
  it('maps the remaining options', () => {
    const trail = () => 'x';
    const c = fromJsSIP({
      ...base,
      register: false,
      register_from_tag_trail: trail,
      use_preloaded_route: true,
      connection_recovery_min_interval: 4,
      connection_recovery_max_interval: '60',
      extra_headers: ['X-Foo: bar'],
      user_agent: 'MyPhone 1.0',
    });
    expect(c.registration.enabled).toBe(false);
    expect(c.registration.fromTagTrail).toBe(trail);
    expect(c.preloadedRouteFromServer).toBe(true);
    expect(c.connection.reconnect).toEqual({ kind: 'clamped-backoff', minInterval: 4, maxInterval: 60 });
    expect(c.extraHeaders).toEqual(['X-Foo: bar']);
    expect(c.userAgent).toBe('MyPhone 1.0');
    expect(fromJsSIP({ ...base, register_from_tag_trail: 'abc' }).registration.fromTagTrail).toBe('abc');
  });
  it('ignores empty values like JsSIP', () => {
    const c = fromJsSIP({
      ...base,
      register_expires: Number.NaN,
      display_name: '',
      extra_headers: [],
      realm: null as unknown as string, // JSON configs carry nulls the types do not admit
    });
    expect(c.registration.expires).toBe(600);
    expect(c.identity.displayName).toBeUndefined();
    expect(c.unsupported).toEqual([]);
  });
  it('reports removed and unknown options as unsupported', () => {
    const c = fromJsSIP({ ...base, ws_servers: 'wss://x', hack_via_tcp: true, foo: 1 });
    expect(c.unsupported).toEqual([
      { key: 'ws_servers', source: 'jssip', reason: expect.stringContaining('sockets') },
      { key: 'hack_via_tcp', source: 'jssip', reason: expect.stringContaining('2.0') },
      { key: 'foo', source: 'jssip', reason: 'not a JsSIP 3.x UA configuration option' },
    ]);
  });
  it('can select the sipkit profile', () => {
    const c = fromJsSIP({ ...base, register_expires: 900 }, { profile: 'sipkit' });
    expect(c.profile).toBe('sipkit');
    expect(c.profileParams).toEqual({ profile: 'sipkit', expires: 900 });
  });
});

describe('fromJsSIP errors', () => {
  it.each([
    [{ sockets: base.sockets }, 'MISSING', 'uri'],
    [{ uri: base.uri }, 'MISSING', 'sockets'],
    [{ ...base, uri: 'sip:example.com' }, 'INVALID_URI', 'uri'],
    [{ ...base, uri: 'sip:al ice@example.com' }, 'INVALID_URI', 'uri'],
    [{ ...base, uri: 42 }, 'INVALID_TYPE', 'uri'],
    [{ ...base, sockets: ['http://x.example.com'] }, 'INVALID_URI', 'sockets[0]'],
    [{ ...base, sockets: [{ socket: 'wss://x', weight: 'high' }] }, 'INVALID_TYPE', 'sockets[0].weight'],
    [{ ...base, sockets: [42] }, 'INVALID_TYPE', 'sockets[0]'],
    [{ ...base, registrar_server: 'sip:bob@example.com' }, 'INVALID_URI', 'registrar_server'],
    [{ ...base, register_expires: -1 }, 'OUT_OF_RANGE', 'register_expires'],
    [{ ...base, register_expires: 1.5 }, 'INVALID_VALUE', 'register_expires'],
    [{ ...base, register_expires: 'soon' }, 'INVALID_TYPE', 'register_expires'],
    [{ ...base, register: 'yes' }, 'INVALID_TYPE', 'register'],
    [{ ...base, instance_id: 'not-a-uuid' }, 'INVALID_VALUE', 'instance_id'],
    [{ ...base, session_timers_refresh_method: 'OPTIONS' }, 'INVALID_VALUE', 'session_timers_refresh_method'],
    [{ ...base, connection_recovery_min_interval: 0 }, 'OUT_OF_RANGE', 'connection_recovery_min_interval'],
    [{ ...base, connection_recovery_max_interval: -3 }, 'OUT_OF_RANGE', 'connection_recovery_max_interval'],
    [{ ...base, no_answer_timeout: 0 }, 'OUT_OF_RANGE', 'no_answer_timeout'],
    [{ ...base, contact_uri: 'tel:+123' }, 'INVALID_URI', 'contact_uri'],
    [{ ...base, extra_headers: 'X-A: b' }, 'INVALID_TYPE', 'extra_headers'],
    [{ ...base, extra_headers: ['X-A: 1', 'X-B: 2\r\nX-C: 3'] }, 'INVALID_VALUE', 'extra_headers[1]'],
    [{ ...base, extra_headers: ['X-B: 2\r'] }, 'INVALID_VALUE', 'extra_headers[0]'],
    [{ ...base, extra_headers: ['X-B: 2\nX-C: 3'] }, 'INVALID_VALUE', 'extra_headers[0]'],
    [{ ...base, extra_headers: ['no colon'] }, 'INVALID_VALUE', 'extra_headers[0]'],
    [{ ...base, extra_headers: ['Bad Name: v'] }, 'INVALID_VALUE', 'extra_headers[0]'],
    [{ ...base, extra_headers: [': v'] }, 'INVALID_VALUE', 'extra_headers[0]'],
    [{ ...base, user_agent: 'Phone\r\nX-Injected: 1' }, 'INVALID_VALUE', 'user_agent'],
    [{ ...base, user_agent: 'Phone\n' }, 'INVALID_VALUE', 'user_agent'],
    [{ ...base, authorization_user: 'a"b' }, 'INVALID_VALUE', 'authorization_user'],
    [{ ...base, display_name: 'Alice\r\nRoute: <sip:evil>' }, 'INVALID_VALUE', 'display_name'],
    [{ ...base, display_name: 'Alice\nBob' }, 'INVALID_VALUE', 'display_name'],
    [{ ...base, authorization_jwt: 5 }, 'INVALID_TYPE', 'authorization_jwt'],
    [{ ...base, register_from_tag_trail: 5 }, 'INVALID_TYPE', 'register_from_tag_trail'],
    [{ ...base, realm: 'r', ha1: 'zz' }, 'INVALID_VALUE', 'ha1'],
    [{ ...base, password: { p: 1 } }, 'INVALID_TYPE', 'password'],
  ])('%j -> %s on %s', (config, code, key) => {
    const e = err(() => fromJsSIP(config as never));
    expect(e.code).toBe(code);
    expect(e.key).toBe(key);
    expect(e.source).toBe('jssip');
    expect(e.expected.length).toBeGreaterThan(0);
    expect(e.message).toContain(key);
  });
  it.each([
    [{ authorization_jwt: 'Bearer abc\r\nX-Injected: 1' }, 'authorization_jwt'],
    [{ authorization_jwt: 'Bearer abc\n' }, 'authorization_jwt'],
    [{ register_from_tag_trail: 'a b' }, 'register_from_tag_trail'],
    [{ register_from_tag_trail: ';x=1' }, 'register_from_tag_trail'],
    [
      { sockets: [{ url: 'wss://edge.example.com', via_transport: 'WSS\r\nX-Injected: 1' }] },
      'sockets[0].via_transport',
    ],
    [{ sockets: { url: 'wss://edge.example.com', via_transport: 'T CP' } }, 'sockets.via_transport'],
    [
      { sockets: [{ socket: { url: 'wss://edge.example.com', via_transport: 7 } }] },
      'sockets[0].via_transport',
    ],
    [{ authorization_user: 'bob\r\nX-Injected: 1' }, 'authorization_user'],
    // The digest username defaults to the AOR's user part, which an escape can give a line break.
    [{ uri: 'sip:bob%0AX@example.com' }, 'uri'],
  ])('refuses a value written into a header as it is that does not fit: %j', (config, key) => {
    const e = err(() => fromJsSIP({ ...base, ...config } as never));
    expect([e.code, e.key, e.source]).toEqual(['INVALID_VALUE', key, 'jssip']);
    expect(e.message).not.toContain('Injected');
  });
  it('keeps a token From tag trail, a token via_transport and a one-line JWT', () => {
    const c = fromJsSIP({
      ...base,
      register_from_tag_trail: '-x.1',
      sockets: [{ url: 'wss://edge.example.com', via_transport: 'tcp' }],
      authorization_jwt: 'Bearer a.b.c',
    });
    expect(c.registration.fromTagTrail).toBe('-x.1');
    expect(c.servers[0]!.viaTransport).toBe('TCP');
    expect(c.credentials.bearer?.authorization).toBe('Bearer a.b.c');
  });
  it('quotes no extra header line it refuses: it may carry a token', () => {
    const e = err(() => fromJsSIP({ ...base, extra_headers: ['X-Token: s3cr3t\r\nX: 1'] }));
    expect(e.message).not.toContain('s3cr3t');
    expect(e.expected).toMatch(/Name: value/);
  });
  it('keeps every extra header line and user agent that is one header line', () => {
    const lines = ['X-A: 1', ' X-B :two', 'X-Empty:', "X-Odd!%'*+-.`~: a: b\t\u00e9"];
    const c = fromJsSIP({ ...base, extra_headers: lines, user_agent: 'Phone/1.0 (a\tb)' });
    expect(c.extraHeaders).toEqual(lines);
    expect(c.userAgent).toBe('Phone/1.0 (a\tb)');
  });
  it('never puts a secret into the message', () => {
    const e = err(() => fromJsSIP({ ...base, password: { secret: 'hunter2' } as never }));
    expect(e.message).not.toContain('hunter2');
  });
  it('quotes no character of a malformed URI that carries a password', () => {
    const e = err(() => fromJsSIP({ ...base, uri: 'sip:alice:pa#ss@example.com' }));
    expect(e.code).toBe('INVALID_URI');
    expect(e.message).toMatch(/BAD_URI at \d+/);
    expect(e.message).not.toContain('#');
  });
});

describe('fromJsSIP: URI ?headers (RFC 3261 section 19.1.1, Table 1)', () => {
  it.each([
    [{ ...base, uri: 'sip:alice@example.com?Subject=Secret7' }, 'uri'],
    [{ ...base, uri: 'alice@example.com?Subject=Secret7' }, 'uri'],
    [{ ...base, registrar_server: 'sip:example.com?Subject=Secret7' }, 'registrar_server'],
  ])('refuses them in an AOR or Request-URI: %j', (options, key) => {
    const e = err(() => fromJsSIP(options));
    expect([e.code, e.key]).toEqual(['INVALID_URI', key]);
    expect(e.message).toContain('?headers');
    expect(e.message).not.toContain('Secret7');
  });
  it('keeps them in contact_uri: a REGISTER Contact may carry them', () => {
    const c = fromJsSIP({ ...base, contact_uri: 'sip:alice@198.51.100.1?Subject=hi' });
    expect(c.contact.uri?.headers.get('Subject')).toBe('hi');
  });
});
