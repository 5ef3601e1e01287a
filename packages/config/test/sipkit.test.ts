import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type ConfigError, SIPKIT_USER_AGENT, type SipkitConfigOptions, sipkitConfig } from '../src/index.js';
import { configError as err } from './helpers.js';

const base: SipkitConfigOptions = {
  aor: 'sip:alice@example.com',
  servers: 'wss://edge.example.com',
  password: 'pw',
};

describe('sipkitConfig defaults', () => {
  const c = sipkitConfig(base);
  it('uses the sipkit profile with 600 s', () => {
    expect(c.source).toBe('sipkit');
    expect(c.profile).toBe('sipkit');
    expect(c.profileParams).toEqual({ profile: 'sipkit', expires: 600 });
    expect(c.registration).toMatchObject({
      enabled: true,
      expires: 600,
      supported: ['path', 'gruu', 'outbound'],
    });
  });
  it('derives registrar and digest username from the AOR', () => {
    expect(c.identity.aor.toString()).toBe('sip:alice@example.com');
    expect(c.identity.authorizationUser).toBe('alice');
    expect(c.registration.registrar.toString()).toBe('sip:example.com');
  });
  it('maps a wss URL to a WebSocket server', () => {
    expect(c.servers).toHaveLength(1);
    expect(c.servers[0]).toMatchObject({ url: 'wss://edge.example.com', transport: 'wss', weight: 0 });
    expect(c.servers[0]!.uri.toString()).toBe('sip:edge.example.com;transport=ws');
  });
  it('has one password credential for any realm, shown redacted', () => {
    expect(c.credentials.digest).toEqual([{ username: 'alice', password: 'pw', ha1: {} }]);
    expect(JSON.stringify(c.credentials)).not.toContain('pw"');
    expect(inspect(c.credentials, { depth: 5 })).not.toContain("'pw'");
  });
  it('registers as an RFC 5626 outbound flow, with the rest of the defaults', () => {
    expect(c.contact).toMatchObject({ outbound: true, regId: 1, uriParams: {} });
    expect(c.contact.instanceId).toBeUndefined();
    expect(c.connection).toEqual({
      reconnect: { kind: 'clamped-backoff', minInterval: 2, maxInterval: 30 },
      keepAliveInterval: 0,
    });
    expect(c.userAgent).toBe(SIPKIT_USER_AGENT);
    expect(c.extraHeaders).toEqual([]);
    expect(c.unsupported).toEqual([]);
  });
});

describe('sipkitConfig options', () => {
  it('maps every option', () => {
    const c = sipkitConfig({
      aor: 'bob@example.org',
      servers: [
        { server: 'sip:pbx.example.org:5070;transport=TCP', weight: 2 },
        'sips:edge.example.org',
        'sip:[::1]',
      ],
      ha1: { MD5: 'A'.repeat(32), 'SHA-256': 'b'.repeat(64) },
      realm: 'example.org',
      authorizationUser: 'bob-auth',
      displayName: 'Bob',
      registrar: 'registrar.example.org',
      expires: 120,
      register: false,
      extraHeaders: ['X-Tenant: 7'],
      userAgent: 'my softphone',
      instanceId: '6f6b2a9e-1d1a-4c83-9d39-0f7c6b8e2a10',
      outbound: false,
      reconnect: { minInterval: 5, maxInterval: 60 },
      keepAliveInterval: 25,
    });
    expect(c.identity).toMatchObject({ displayName: 'Bob', authorizationUser: 'bob-auth' });
    expect(c.identity.aor.toString()).toBe('sip:bob@example.org');
    expect(c.servers.map((s) => [s.transport, s.weight, s.uri.toString(), s.url])).toEqual([
      ['tcp', 2, 'sip:pbx.example.org:5070;transport=TCP', undefined],
      ['tls', 0, 'sips:edge.example.org', undefined],
      ['udp', 0, 'sip:[::1]', undefined],
    ]);
    expect(c.credentials.digest).toEqual([
      { username: 'bob-auth', ha1: { MD5: 'a'.repeat(32), 'SHA-256': 'b'.repeat(64) }, realm: 'example.org' },
    ]);
    expect(c.registration).toMatchObject({ enabled: false, expires: 120 });
    expect(c.registration.registrar.toString()).toBe('sip:registrar.example.org');
    expect(c.profileParams).toEqual({ profile: 'sipkit', expires: 120 });
    expect(c.extraHeaders).toEqual(['X-Tenant: 7']);
    expect(c.userAgent).toBe('my softphone');
    expect(c.contact).toMatchObject({
      outbound: false,
      instanceId: 'urn:uuid:6f6b2a9e-1d1a-4c83-9d39-0f7c6b8e2a10',
    });
    expect(c.connection).toEqual({
      reconnect: { kind: 'clamped-backoff', minInterval: 5, maxInterval: 60 },
      keepAliveInterval: 25,
    });
  });
  it('takes a sips: next hop as TLS, with transport=tcp too (RFC 3261 26.2.2)', () => {
    const c = sipkitConfig({
      ...base,
      servers: ['sips:pbx.example.org;transport=tcp', 'sip:pbx.example.org;transport=tls'],
    });
    expect(c.servers.map((s) => s.transport)).toEqual(['tls', 'tls']);
  });
  it('binds a password to realm when one is given', () => {
    expect(sipkitConfig({ ...base, realm: 'example.com' }).credentials.digest).toEqual([
      { username: 'alice', password: 'pw', ha1: {}, realm: 'example.com' },
    ]);
  });
  it('raises the back-off ceiling to a minimum above 30', () => {
    expect(sipkitConfig({ ...base, reconnect: { minInterval: 45 } }).connection.reconnect).toEqual({
      kind: 'clamped-backoff',
      minInterval: 45,
      maxInterval: 45,
    });
  });
});

describe('sipkitConfig refuses bad input with a ConfigError naming the option, never its value', () => {
  const cases: [string, unknown, string, ConfigError['code']][] = [
    ['no aor', { servers: 'wss://a.example' }, 'aor', 'MISSING'],
    ['an aor without user', { ...base, aor: 'sip:example.com' }, 'aor', 'INVALID_URI'],
    ['a password in the aor', { ...base, aor: 'sip:alice:secret@example.com' }, 'aor', 'INVALID_URI'],
    ['no servers', { aor: base.aor }, 'servers', 'MISSING'],
    ['an empty server list', { ...base, servers: [] }, 'servers', 'MISSING'],
    ['an http URL', { ...base, servers: 'http://a.example' }, 'servers', 'INVALID_URI'],
    [
      'a sip URI over sctp',
      { ...base, servers: ['sip:a.example;transport=sctp'] },
      'servers[0]',
      'INVALID_URI',
    ],
    ['a server with a user', { ...base, servers: 'sip:u@a.example' }, 'servers', 'INVALID_URI'],
    [
      'a sips URI over udp',
      { ...base, servers: ['sips:a.example;transport=udp'] },
      'servers[0]',
      'INVALID_URI',
    ],
    [
      'a misspelt server field',
      { ...base, servers: [{ server: 'wss://a.example', wieght: 3 }] },
      'servers[0].wieght',
      'UNKNOWN_OPTION',
    ],
    ['a server object without server', { ...base, servers: [{}] }, 'servers[0]', 'INVALID_TYPE'],
    [
      'an infinite weight',
      { ...base, servers: [{ server: 'wss://a.example', weight: Infinity }] },
      'servers[0].weight',
      'INVALID_VALUE',
    ],
    ['an empty HA1 set', { ...base, ha1: {} }, 'ha1', 'INVALID_VALUE'],
    ['reconnect as null', { ...base, reconnect: null }, 'reconnect', 'INVALID_TYPE'],
    ['reconnect as a list', { ...base, reconnect: [] }, 'reconnect', 'INVALID_TYPE'],
    ['an empty user agent', { ...base, userAgent: ' ' }, 'userAgent', 'INVALID_VALUE'],
    [
      'an AOR user that cannot be a digest username',
      { ...base, aor: 'sip:a%22b@example.com' },
      'aor',
      'INVALID_VALUE',
    ],
    ['an expiry of 0 (that is an un-REGISTER)', { ...base, expires: 0 }, 'expires', 'OUT_OF_RANGE'],
    ['a numeric server', { ...base, servers: [5060] }, 'servers[0]', 'INVALID_TYPE'],
    [
      'a NaN weight',
      { ...base, servers: [{ server: 'wss://a.example', weight: Number.NaN }] },
      'servers[0].weight',
      'INVALID_VALUE',
    ],
    ['a short HA1', { ...base, ha1: { MD5: 'abc123' } }, 'ha1.MD5', 'INVALID_VALUE'],
    [
      'an HA1 of an unknown algorithm',
      { ...base, ha1: { SHA1: 'a'.repeat(40) } },
      'ha1.SHA1',
      'INVALID_VALUE',
    ],
    ['a quote in the username', { ...base, authorizationUser: 'a"b' }, 'authorizationUser', 'INVALID_VALUE'],
    ['a line break in the display name', { ...base, displayName: 'A\r\nB' }, 'displayName', 'INVALID_VALUE'],
    [
      'a line break in the user agent',
      { ...base, userAgent: 'x\r\nInjected: 1' },
      'userAgent',
      'INVALID_VALUE',
    ],
    [
      'an extra header that is not one line',
      { ...base, extraHeaders: ['X-A: 1\r\nX-B: 2'] },
      'extraHeaders[0]',
      'INVALID_VALUE',
    ],
    [
      'an extra header without a name',
      { ...base, extraHeaders: ['no colon'] },
      'extraHeaders[0]',
      'INVALID_VALUE',
    ],
    ['a negative expiry', { ...base, expires: -1 }, 'expires', 'OUT_OF_RANGE'],
    ['a fractional expiry', { ...base, expires: 1.5 }, 'expires', 'INVALID_VALUE'],
    ['an expiry as text', { ...base, expires: '600' }, 'expires', 'INVALID_TYPE'],
    ['a bad instance id', { ...base, instanceId: 'not-a-uuid' }, 'instanceId', 'INVALID_VALUE'],
    [
      'a ceiling under the floor',
      { ...base, reconnect: { minInterval: 10, maxInterval: 5 } },
      'reconnect.maxInterval',
      'OUT_OF_RANGE',
    ],
    [
      'an unknown reconnect option',
      { ...base, reconnect: { attempts: 3 } },
      'reconnect.attempts',
      'UNKNOWN_OPTION',
    ],
    ['a misspelt option', { ...base, pasword: 'x' }, 'pasword', 'UNKNOWN_OPTION'],
    ['a registrar with a user', { ...base, registrar: 'sip:r@example.com' }, 'registrar', 'INVALID_URI'],
  ];
  for (const [what, options, key, code] of cases) {
    it(what, () => {
      const e = err(() => sipkitConfig(options as SipkitConfigOptions));
      expect([e.code, e.key, e.source]).toEqual([code, key, 'sipkit']);
      expect(e.message).not.toContain('secret');
      expect(e.message).not.toContain('abc123');
    });
  }
  it('a non-object', () => {
    expect(err(() => sipkitConfig(null as unknown as SipkitConfigOptions)).code).toBe('INVALID_TYPE');
  });
});

describe('sipkitConfig: URI ?headers (RFC 3261 section 19.1.1, Table 1)', () => {
  it.each([
    [{ ...base, aor: 'alice@example.com?Subject=Secret7' }, 'aor'],
    [{ ...base, registrar: 'sip:example.com?Subject=Secret7' }, 'registrar'],
    [{ ...base, servers: ['sip:proxy.example.com;transport=tcp?Subject=Secret7'] }, 'servers[0]'],
  ])('refuses them in an AOR, Request-URI or next hop: %j', (options, key) => {
    const e = err(() => sipkitConfig(options));
    expect([e.code, e.key]).toEqual(['INVALID_URI', key]);
    expect(e.message).toContain('?headers');
    expect(e.message).not.toContain('Secret7');
  });
});
