import { describe, expect, it } from 'vitest';
import {
  ASTERISK_KEEP_ALIVE_INTERVAL,
  ASTERISK_USER_AGENT,
  fromPjsip,
  fromPjsipDocument,
  PROFILE_DEFAULTS,
  readPjsipConf,
  sipkitConfig,
} from '../src/index.js';
import { configError } from './helpers.js';

/** REGISTRATION-BEHAVIOUR.md Appendix A.1, verbatim as a golden input. */
const A1 = `
[reg-tpl](!)                 ; template: never instantiated
type=registration
retry_interval=30
forbidden_retry_interval=300
expiration=600
transport=t-udp
outbound_auth=prov-auth

[prov](reg-tpl)              ; inherits every line of reg-tpl first
server_uri=sip:sip.example.com
client_uri=sip:1000@sip.example.com
contact_user=1000
line=yes
endpoint=prov
max_random_initial_delay=0   ; first REGISTER at exactly 1 s

[prov-auth]
type=auth
auth_type=userpass           ; behaves as digest
username=1000
password=se\\;cret            ; value is "se;cret" (\\; escapes the comment char)
realm=*                      ; wildcard: answer any realm

[t-udp]
type=transport
protocol=udp
bind=0.0.0.0:5060
`;

const minimal = (extra = '') =>
  `[r]\ntype=registration\nserver_uri=sip:sip.example.com\nclient_uri=sip:1000@sip.example.com\n${extra}`;

describe('fromPjsip: Appendix A.1', () => {
  const c = fromPjsip(A1);
  it('gives the effective registration of A.1', () => {
    expect(c.profile).toBe('asterisk');
    expect(c.profileParams).toEqual({
      profile: 'asterisk',
      retryInterval: 30,
      forbiddenRetryInterval: 300,
      fatalRetryInterval: 0,
      maxRetries: 10,
      authRejectionPermanent: true,
      expiration: 600,
      maxRandomInitialDelay: 0,
      reregisterBuffer: 10,
    });
  });
  it('maps URIs, contact and line', () => {
    expect(c.registration.registrar.toString()).toBe('sip:sip.example.com');
    expect(c.identity.aor.toString()).toBe('sip:1000@sip.example.com');
    expect(c.registration.expires).toBe(600);
    expect(c.registration.endpoint).toBe('prov');
    expect(c.contact).toMatchObject({
      user: '1000',
      line: true,
      outbound: false,
      uriParams: {},
      headerParams: [],
    });
    expect(c.servers).toHaveLength(1);
    expect(c.servers[0]!.uri.toString()).toBe('sip:sip.example.com');
    expect(c.servers[0]!.transport).toBe('udp');
  });
  it('resolves outbound_auth with the \\; escape and the * realm', () => {
    expect(c.credentials.digest).toEqual([
      {
        name: 'prov-auth',
        username: '1000',
        password: 'se;cret',
        ha1: {},
        realm: undefined,
        algorithms: ['MD5'],
      },
    ]);
    expect(c.identity.authorizationUser).toBe('1000');
  });
  it('resolves transport', () => {
    expect(c.localTransport).toEqual({
      name: 't-udp',
      protocol: 'udp',
      bind: '0.0.0.0:5060',
      tls: {},
    });
  });
  it('carries Asterisk-wide defaults', () => {
    expect(c.userAgent).toBe(ASTERISK_USER_AGENT);
    expect(c.connection).toEqual({
      reconnect: { kind: 'reregister-on-close' },
      keepAliveInterval: ASTERISK_KEEP_ALIVE_INTERVAL,
      keepAlivePongTimeout: 0, // Asterisk pings but never checks for a pong
      keepAliveJitter: false, // ... every keep_alive_interval seconds exactly
    });
    expect(c.registration.enabled).toBe(true);
    expect(c.registration.supported).toEqual([]);
    expect(c.routeSet).toEqual([]);
    expect(c.unsupported).toEqual([]);
  });
});

describe('fromPjsip defaults', () => {
  const c = fromPjsip(minimal());
  it('uses Asterisk defaults (expiration 3600, retry 60, max_retries 10, ...)', () => {
    expect(c.profileParams).toEqual(PROFILE_DEFAULTS.asterisk);
    expect(c.registration.expires).toBe(3600);
  });
  it('contact user s, no auth, no transport, no route', () => {
    expect(c.contact.user).toBe('s');
    expect(c.contact.line).toBe(false);
    expect(c.credentials.digest).toEqual([]);
    expect(c.localTransport).toBeUndefined();
    expect(c.identity.authorizationUser).toBe('1000');
    expect(c.registration.endpoint).toBeUndefined();
  });
});

describe('fromPjsip option mapping', () => {
  it('maps every registration option', () => {
    const c = fromPjsip(
      minimal(`contact_user=alice
contact_header_params=+sip.src=foo
expiration=120
max_retries=3
retry_interval=20
forbidden_retry_interval=40
fatal_retry_interval=80
auth_rejection_permanent=no
max_random_initial_delay=5
outbound_proxy=sip:proxy.example.com\\;lr
support_path=yes
support_outbound=true
user_agent=MyPBX
security_negotiation=no
`),
    );
    expect(c.profileParams).toEqual({
      profile: 'asterisk',
      expiration: 120,
      maxRetries: 3,
      retryInterval: 20,
      forbiddenRetryInterval: 40,
      fatalRetryInterval: 80,
      authRejectionPermanent: false,
      maxRandomInitialDelay: 5,
      reregisterBuffer: 10,
    });
    expect(c.contact).toMatchObject({ user: 'alice', headerParams: ['+sip.src=foo'] });
    expect(c.routeSet.map(String)).toEqual(['sip:proxy.example.com;lr']);
    expect(c.servers[0]!.uri.toString()).toBe('sip:proxy.example.com;lr');
    expect(c.registration.supported).toEqual(['path', 'outbound']);
    expect(c.userAgent).toBe('MyPBX');
    // pjsip's own sends (the 423-driven resend) carry the global one instead.
    expect(c.registration.stackUserAgent).toBe(ASTERISK_USER_AGENT);
  });
  it('outbound_proxy in <> form and without ;lr is kept verbatim', () => {
    expect(fromPjsip(minimal('outbound_proxy=<sip:p.example.com:5070>')).routeSet.map(String)).toEqual([
      'sip:p.example.com:5070',
    ]);
  });
  it('derives the Contact transport from server_uri, the connection from transport=', () => {
    const tcp = `[r]\ntype=registration\nserver_uri=sip:s.example.com\\;transport=tcp\nclient_uri=sip:u@s.example.com\n`;
    // Without the backslash, ';transport=tcp' is a comment and the URI has no transport.
    expect(fromPjsip(tcp.replace('\\;', ';')).contact.uriParams).toEqual({});
    expect(fromPjsip(tcp).contact.uriParams).toEqual({ transport: 'TCP' });
    expect(fromPjsip(tcp).servers[0]!.transport).toBe('tcp');
    const sips = `[r]\ntype=registration\nserver_uri=sips:s.example.com\nclient_uri=sips:u@s.example.com\n`;
    expect(fromPjsip(sips).servers[0]!.transport).toBe('tls');
    // transport= selects a TCP socket, but the Contact still says UDP (server_uri has no transport).
    const quirk = fromPjsip(`${minimal('transport=t')}\n[t]\ntype=transport\nprotocol=tcp\n`);
    expect(quirk.servers[0]!.transport).toBe('tcp');
    expect(quirk.contact.uriParams).toEqual({});
  });
  it('takes a sips: server_uri or outbound_proxy as TLS, with transport=tcp too, as Asterisk does', () => {
    const reg = (server: string, extra = '') =>
      fromPjsip(`[r]\ntype=registration\nserver_uri=${server}\nclient_uri=sips:u@s.example.com\n${extra}`);
    // RFC 3261 section 26.2.2: transport=tcp on a sips: URI means TLS over TCP.
    const tcp = reg('sips:s.example.com\\;transport=tcp');
    expect([tcp.servers[0]!.transport, tcp.contact.uriParams]).toEqual(['tls', { transport: 'TLS' }]);
    const bare = reg('sips:s.example.com');
    expect([bare.servers[0]!.transport, bare.contact.uriParams]).toEqual(['tls', { transport: 'TLS' }]);
    // pjproject: a sips: target whose transport is not secure goes over TLS, udp included.
    expect(reg('sips:s.example.com\\;transport=udp').servers[0]!.transport).toBe('tls');
    const proxy = reg('sip:s.example.com', 'outbound_proxy=sips:p.example.com\\;transport=tcp\\;lr');
    expect([proxy.servers[0]!.transport, proxy.contact.uriParams]).toEqual(['tls', {}]);
    // The same mapping as sipkitConfig's.
    const own = sipkitConfig({ aor: 'sip:u@s.example.com', servers: 'sips:s.example.com;transport=tcp' });
    expect(own.servers[0]!.transport).toBe(tcp.servers[0]!.transport);
  });
  it('maps a full transport section', () => {
    const c = fromPjsip(`${minimal('transport=tls-t')}
[tls-t]
type=transport
protocol=tls
bind=0.0.0.0:5061
external_signaling_address=203.0.113.1
external_signaling_port=5061
local_net=192.168.0.0/16
local_net=10.0.0.0/8, 172.16.0.0/12
cert_file=/etc/c.pem
priv_key_file=/etc/k.pem
ca_list_file=/etc/ca.pem
verify_server=yes
method=tlsv1_2
tos=cs3
tcp_keepalive_enable=yes
`);
    expect(c.localTransport).toEqual({
      name: 'tls-t',
      protocol: 'tls',
      bind: undefined,
      tls: {
        cert_file: '/etc/c.pem',
        priv_key_file: '/etc/k.pem',
        ca_list_file: '/etc/ca.pem',
        verify_server: 'yes',
      },
    });
    // Every option not applied is reported, with its reason.
    expect(c.unsupported.map((u) => u.key)).toEqual([
      'tls-t/tos',
      'tls-t/tcp_keepalive_enable',
      'tls-t/method',
      'tls-t/external_signaling_address',
      'tls-t/external_signaling_port',
      'tls-t/local_net',
      'tls-t/bind',
    ]);
    expect(c.unsupported.every((u) => u.reason.length > 10)).toBe(true);
  });
  it('binds only a UDP transport', () => {
    const c = fromPjsip(
      `${minimal('transport=t')}\n[t]\ntype=transport\nprotocol=udp\nbind=192.0.2.7:5070\n`,
    );
    expect(c.localTransport?.bind).toBe('192.0.2.7:5070');
    expect(c.unsupported).toEqual([]);
  });
  it.each(['udp', 'tcp', 'tls', 'ws', 'wss'])('transport protocol=%s', (p) => {
    const c = fromPjsip(`${minimal('transport=t')}\n[t]\ntype=transport\nprotocol=${p}\n`);
    expect(c.localTransport?.protocol).toBe(p);
    expect(c.servers[0]!.transport).toBe(p);
  });
  it('reports protocol=flow as unsupported', () => {
    const c = fromPjsip(`${minimal('transport=t')}\n[t]\ntype=transport\nprotocol=flow\n`);
    expect(c.localTransport).toBeUndefined();
    expect(c.unsupported.map((u) => u.key)).toEqual(['t/protocol']);
  });
  it('resolves several outbound_auth entries, password_digest and md5_cred', () => {
    const md5 = '0123456789abcdef0123456789abcdef';
    const sha = 'a'.repeat(64);
    const c = fromPjsip(`${minimal('outbound_auth = a1 , ,a2')}
[a1]
type=auth
auth_type=digest
username=u1
password_digest=MD5:${md5.toUpperCase()},SHA-256:${sha}
supported_algorithms_uac=SHA-256,MD5,SHA-512-256
realm=sip.example.com
[a2]
type=auth
auth_type=md5
username=u2
md5_cred=${md5}
`);
    expect(c.credentials.digest).toEqual([
      {
        name: 'a1',
        username: 'u1',
        password: undefined,
        ha1: { MD5: md5, 'SHA-256': sha },
        realm: 'sip.example.com',
        realmIgnoresCase: true,
        algorithms: ['SHA-256', 'MD5'],
      },
      {
        name: 'a2',
        username: 'u2',
        password: undefined,
        ha1: { MD5: md5 },
        realm: undefined,
        algorithms: ['MD5'],
      },
    ]);
  });
  it('uses type=global defaults: user_agent, keep_alive_interval, default_auth_algorithms_uac', () => {
    const c = fromPjsip(`[global]
type=global
user_agent=PBX 1
keep_alive_interval=30
default_auth_algorithms_uac=SHA-256,MD5
${minimal('outbound_auth=a')}
[a]
type=auth
username=u
password=p
`);
    expect(c.userAgent).toBe('PBX 1');
    expect(c.registration.stackUserAgent).toBe('PBX 1');
    expect(c.connection.keepAliveInterval).toBe(30);
    expect(c.connection.keepAliveJitter).toBe(false);
    // keep_alive_interval=0: no keep-alives, so neither pong nor jitter setting.
    const off = fromPjsip(`[global]\ntype=global\nkeep_alive_interval=0\n${minimal()}`).connection;
    expect(off).toEqual({ reconnect: { kind: 'reregister-on-close' }, keepAliveInterval: 0 });
    expect(c.credentials.digest[0]!.algorithms).toEqual(['SHA-256', 'MD5']);
  });
  it('selects a registration by name among several, ignoring same-named other types', () => {
    const text = `[a]\ntype=endpoint\n${minimal().replace('[r]', '[a]')}\n${minimal().replace('[r]', '[b]').replace('1000@', '2000@')}`;
    expect(fromPjsip(text, { registration: 'b' }).identity.aor.user).toBe('2000');
    expect(fromPjsip(text, { registration: 'a' }).identity.aor.user).toBe('1000');
  });
  it('reads includes through readFile', () => {
    const c = fromPjsip(`${minimal('outbound_auth=a')}\n#include auth.conf`, {
      readFile: (p) => (p === 'auth.conf' ? '[a]\ntype=auth\nusername=u\npassword=p' : undefined),
    });
    expect(c.credentials.digest[0]!.username).toBe('u');
  });
  it('reports google_oauth and UAS-only auth options as unsupported; maps mediasec', () => {
    const c =
      fromPjsip(`${minimal('outbound_auth=g,d\nsecurity_negotiation=mediasec\nsecurity_mechanisms=sdes-srtp\\;mediasec')}
[g]
type=auth
auth_type=google_oauth
refresh_token=x
oauth_clientid=y
oauth_secret=z
[d]
type=auth
username=u
password=p
nonce_lifetime=64
supported_algorithms_uas=MD5
refresh_token=x
`);
    expect(c.registration.securityAgreement).toEqual({ mechanisms: ['sdes-srtp;mediasec'] });
    expect(c.unsupported.map((u) => u.key)).toEqual([
      'g/auth_type',
      'd/supported_algorithms_uas',
      'd/nonce_lifetime',
      'd/refresh_token',
    ]);
    expect(c.credentials.digest.map((d) => d.name)).toEqual(['d']);
  });
  it('mediasec: mechanisms kept in order with their parameters; without mediasec they are ignored', () => {
    const c = fromPjsip(
      minimal(
        'security_negotiation=mediasec\nsecurity_mechanisms=msrp-tls\\;mediasec, dtls-srtp\\;mediasec\\;q=0.5',
      ),
    );
    expect(c.registration.securityAgreement?.mechanisms).toEqual([
      'msrp-tls;mediasec',
      'dtls-srtp;mediasec;q=0.5',
    ]);
    const off = fromPjsip(minimal('security_mechanisms=sdes-srtp;mediasec'));
    expect(off.registration.securityAgreement).toBeUndefined();
    expect(off.unsupported.map((u) => u.key)).toContain('r/security_mechanisms');
  });
  it('can select the sipkit profile', () => {
    expect(fromPjsip(minimal('expiration=300'), { profile: 'sipkit' }).profileParams).toEqual({
      profile: 'sipkit',
      expires: 300,
    });
  });
});

describe('fromPjsip errors', () => {
  it.each([
    [minimal('expiration=0'), 'OUT_OF_RANGE', 'r/expiration'],
    [minimal('expiration=-5'), 'INVALID_VALUE', 'r/expiration'],
    [minimal('retry_interval=soon'), 'INVALID_VALUE', 'r/retry_interval'],
    [minimal('max_retries=99999999999'), 'OUT_OF_RANGE', 'r/max_retries'],
    [minimal('line=yes'), 'CONFLICT', 'r/line'],
    [minimal('endpoint=e'), 'CONFLICT', 'r/endpoint'],
    [minimal('bogus=1'), 'UNKNOWN_OPTION', 'r/bogus'],
    [minimal('outbound_auth=nope'), 'UNKNOWN_SECTION', 'r/outbound_auth'],
    [minimal('transport=nope'), 'UNKNOWN_SECTION', 'r/transport'],
    [minimal('outbound_proxy=not a uri'), 'INVALID_URI', 'r/outbound_proxy'],
    [minimal('security_negotiation=maybe'), 'INVALID_VALUE', 'r/security_negotiation'],
    [
      minimal('security_negotiation=mediasec\nsecurity_mechanisms=ipsec-3gpp'),
      'INVALID_VALUE',
      'r/security_mechanisms',
    ],
    ['[r]\ntype=registration\nclient_uri=sip:u@h', 'MISSING', 'r/server_uri'],
    ['[r]\ntype=registration\nserver_uri=sip:h', 'MISSING', 'r/client_uri'],
    ['[r]\ntype=registration\nserver_uri=http://h\nclient_uri=sip:u@h', 'INVALID_URI', 'r/server_uri'],
    [
      `[r]\ntype=registration\nserver_uri=sip:${'h'.repeat(520)}\nclient_uri=sip:u@h`,
      'OUT_OF_RANGE',
      'r/server_uri',
    ],
    [
      `[r]\ntype=registration\nserver_uri=sip:${'h'.repeat(300)}\nclient_uri=sip:u@h`,
      'OUT_OF_RANGE',
      'r/server_uri',
    ],
    [`${minimal('outbound_auth=a')}\n[a]\ntype=auth\npassword=p`, 'MISSING', 'a/username'],
    [
      `${minimal('outbound_auth=a')}\n[a]\ntype=auth\nusername=al"ice\npassword=p`,
      'INVALID_VALUE',
      'a/username',
    ],
    [
      `${minimal('outbound_auth=a')}\n[a]\ntype=auth\nusername=al\\ice\npassword=p`,
      'INVALID_VALUE',
      'a/username',
    ],
    [
      `${minimal('outbound_auth=a')}\n[a]\ntype=auth\nusername=u\nauth_type=kerberos`,
      'INVALID_VALUE',
      'a/auth_type',
    ],
    [
      `${minimal('outbound_auth=a')}\n[a]\ntype=auth\nusername=u\npassword_digest=MD5:abc`,
      'INVALID_VALUE',
      'a/password_digest',
    ],
    [
      `${minimal('outbound_auth=a')}\n[a]\ntype=auth\nusername=u\npassword_digest=SHA-1:${'a'.repeat(40)}`,
      'INVALID_VALUE',
      'a/password_digest',
    ],
    [
      `${minimal('outbound_auth=a')}\n[a]\ntype=auth\nusername=u\nmd5_cred=xyz`,
      'INVALID_VALUE',
      'a/md5_cred',
    ],
    [
      `${minimal('outbound_auth=a')}\n[a]\ntype=auth\nusername=u\nsupported_algorithms_uac=SHA-1`,
      'INVALID_VALUE',
      'a/supported_algorithms_uac',
    ],
    [`${minimal('outbound_auth=a')}\n[a]\ntype=auth\nusername=u\ncolour=blue`, 'UNKNOWN_OPTION', 'a/colour'],
    [`${minimal('transport=t')}\n[t]\ntype=transport\nprotocol=sctp`, 'INVALID_VALUE', 't/protocol'],
    [
      `${minimal('transport=t')}\n[t]\ntype=transport\nexternal_signaling_port=70000`,
      'OUT_OF_RANGE',
      't/external_signaling_port',
    ],
    [`${minimal('transport=t')}\n[t]\ntype=transport\nflavour=x`, 'UNKNOWN_OPTION', 't/flavour'],
    [`[g]\ntype=global\nkeep_alive_interval=x\n${minimal()}`, 'INVALID_VALUE', 'g/keep_alive_interval'],
    [
      `[g]\ntype=global\ndefault_auth_algorithms_uac=SHA-1\n${minimal()}`,
      'INVALID_VALUE',
      'g/default_auth_algorithms_uac',
    ],
    ['[e]\ntype=endpoint', 'MISSING', 'registration'],
    [`${minimal()}\n${minimal().replace('[r]', '[s]')}`, 'UNKNOWN_SECTION', 'registration'],
  ])('%#: %s on %s', (text, code, key) => {
    const e = configError(() => fromPjsip(text));
    expect([e.code, e.key, e.source]).toEqual([code, key, 'pjsip']);
    expect(e.expected.length).toBeGreaterThan(0);
  });
  it('an unknown registration name lists the available ones', () => {
    const e = configError(() => fromPjsip(minimal(), { registration: 'zz' }));
    expect(e.code).toBe('UNKNOWN_SECTION');
    expect(e.expected).toContain('found: r');
  });
  it('locates errors in the file', () => {
    const e = configError(() => fromPjsip(minimal('expiration=abc'), { fileName: 'pjsip.conf' }));
    expect(e.location).toEqual({ file: 'pjsip.conf', line: 5, section: 'r' });
  });
  it.each([
    ['contact_header_params', 'a b'],
    ['contact_header_params', 'a=<sip:x>'],
    ['contact_header_params', 'a=b,c'],
    ['contact_header_params', 'a="open'],
    ['contact_header_params', 'a\\;\\;b'],
    ['contact_user', 'bob smith'],
    ['contact_user', 'bob>'],
    ['contact_user', 'bob@evil.example.com'],
    ['security_mechanisms', 'sdes-srtp\\;a b'],
    ['security_mechanisms', 'sdes-srtp\\;a=<x>'],
  ])('refuses a %s written into the REGISTER as it is that does not fit: %s', (key, value) => {
    const e = configError(() => fromPjsip(minimal(`security_negotiation=mediasec\n${key}=${value}`)));
    expect([e.code, e.key]).toEqual(['INVALID_VALUE', `r/${key}`]);
    expect(e.message).not.toMatch(/smith|evil/);
  });
  it('refuses Contact parameters with a line break, which only a document built in code can hold', () => {
    for (const key of ['contact_header_params', 'contact_user']) {
      const doc = readPjsipConf(minimal(`${key}=x`));
      doc.object('registration', 'r')!.last(key)!.value = 'x\r\nX-Injected: 1';
      const e = configError(() => fromPjsipDocument(doc));
      expect([e.code, e.key, e.location?.line]).toEqual(['INVALID_VALUE', `r/${key}`, 5]);
      expect(e.message).not.toContain('Injected');
    }
  });
  it('keeps Contact header parameters one per entry, quoted values and \\; included', () => {
    const c = fromPjsip(
      minimal('contact_header_params=+sip.src="<sip:a b>"\\;lr\\;q=0.5\ncontact_user=bob%20smith'),
    );
    expect(c.contact.headerParams).toEqual(['+sip.src="<sip:a b>"', 'lr', 'q=0.5']);
    expect(c.contact.user).toBe('bob%20smith');
  });
  it('refuses a user_agent with a line break, which only a document built in code can hold', () => {
    const text = `[g]\ntype=global\nuser_agent=PBX\n${minimal('user_agent=Phone')}`;
    for (const [section, key] of [
      ['r', 'registration'],
      ['g', 'global'],
    ] as const) {
      const doc = readPjsipConf(text);
      doc.object(key, section)!.last('user_agent')!.value = 'X\r\nX-Injected: 1';
      const e = configError(() => fromPjsipDocument(doc));
      expect([e.code, e.key, e.location?.line]).toEqual([
        'INVALID_VALUE',
        `${section}/user_agent`,
        section === 'g' ? 3 : 8,
      ]);
      expect(e.message).not.toContain('Injected');
    }
    expect(fromPjsipDocument(readPjsipConf(text)).userAgent).toBe('Phone');
  });
  it('never shows a password in an error', () => {
    const e = configError(() =>
      fromPjsip(`${minimal('outbound_auth=a')}\n[a]\ntype=auth\npassword=hunter2\ncolour=x`),
    );
    expect(e.message).not.toContain('hunter2');
  });
});

describe('fromPjsip credentials: realm case, HA1 without realm, URI passwords', () => {
  const conf = (auth: string, uri = 'sip:u1@sip.example.com') =>
    `[r]\ntype=registration\nserver_uri=sip:sip.example.com\nclient_uri=${uri}\noutbound_auth=a\n[a]\ntype=auth\nusername=u1\n${auth}\n`;
  it('a realm is compared case-insensitively; `*` or none binds no realm, also for an HA1', () => {
    expect(fromPjsip(conf('password=pw\nrealm=SIP.example.com')).credentials.digest[0]).toMatchObject({
      realm: 'SIP.example.com',
      realmIgnoresCase: true,
    });
    const md5 = '0123456789abcdef0123456789abcdef';
    for (const realm of ['realm=*', '']) {
      const c = fromPjsip(conf(`md5_cred=${md5}\n${realm}`)).credentials.digest[0]!;
      expect(c.realm).toBeUndefined();
      expect(c.ha1).toEqual({ MD5: md5 });
    }
  });
  it('refuses a password in client_uri or server_uri, without quoting it', () => {
    let error: unknown;
    try {
      fromPjsip(conf('password=pw', 'sip:u1:Pw0rd@sip.example.com'));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'ConfigError', code: 'INVALID_URI' });
    expect((error as Error).message).toContain('password');
    expect((error as Error).message).not.toContain('Pw0rd');
  });
});

describe('fromPjsip: URI ?headers (RFC 3261 section 19.1.1, Table 1)', () => {
  const reg = (server: string, client: string, extra = '') =>
    `[r]\ntype=registration\nserver_uri=${server}\nclient_uri=${client}\n${extra}`;
  it.each([
    [reg('sip:sip.example.com?Subject=Secret7', 'sip:1000@sip.example.com'), 'r/server_uri'],
    [reg('sip:sip.example.com', 'sip:1000@sip.example.com?Subject=Secret7'), 'r/client_uri'],
    [minimal('outbound_proxy=sip:p.example.com\\;lr?Subject=Secret7'), 'r/outbound_proxy'],
    [minimal('outbound_proxy=<sip:p.example.com\\;lr?Subject=Secret7>'), 'r/outbound_proxy'],
  ])('refuses them in a Request-URI, To/From or Route: %j', (text, key) => {
    const e = configError(() => fromPjsip(text));
    expect([e.code, e.key]).toEqual(['INVALID_URI', key]);
    expect(e.message).toContain('?headers');
    expect(e.message.match(/expected/g)).toHaveLength(1); // one message, not one inside another
    expect(e.message).not.toContain('Secret7');
  });
});

describe('fromPjsip: outbound_proxy with a password (RFC 3261 section 19.1.1)', () => {
  it.each([
    'outbound_proxy=sip:u1:Pw0rd@p.example.com\\;lr',
    'outbound_proxy=<sip:u1:Pw0rd@p.example.com\\;lr>',
  ])('refuses %s without quoting it: it would go out in every Route and trace', (line) => {
    const e = configError(() => fromPjsip(minimal(line)));
    expect([e.code, e.key]).toEqual(['INVALID_URI', 'r/outbound_proxy']);
    expect(e.message).toContain('password');
    expect(e.message).not.toContain('Pw0rd');
  });
  it('still takes a user part without a password', () => {
    const c = fromPjsip(minimal('outbound_proxy=sip:edge@p.example.com\\;lr'));
    expect(c.routeSet.map(String)).toEqual(['sip:edge@p.example.com;lr']);
  });
});

describe('fromPjsip: transport bind, checked when read', () => {
  const conf = (bind: string, protocol = 'udp') =>
    `${minimal('transport=t')}\n[t]\ntype=transport\nprotocol=${protocol}\nbind=${bind}\n`;
  it.each([
    '0.0.0.0',
    '0.0.0.0:5060',
    '192.0.2.7:0',
    '255.255.255.255:65535',
    '[::]:5060',
    '[2001:db8::1]',
    '::',
    '2001:db8::1',
    '::ffff:192.0.2.1',
    'pbx.example.com:5070',
    'localhost',
  ])('takes %s as Asterisk does, as written', (bind) => {
    expect(fromPjsip(conf(bind)).localTransport?.bind).toBe(bind);
  });
  it('takes an empty bind as unset', () => {
    expect(fromPjsip(conf('')).localTransport?.bind).toBeUndefined();
  });
  it.each([
    '0.0.0.0:',
    '0.0.0.0:port',
    '0.0.0.0:65536',
    '0.0.0.0:99999',
    '0.0.0.0:-1',
    '256.0.0.1',
    '192.0.2',
    '1.2.3.4.5:5060',
    '[::1',
    '[::1]:',
    '[1::2::3]:5060',
    '[pbx.example.com]',
    'pbx example.com',
    'pbx_1.example.com',
    'user@192.0.2.7',
    '192.0.2.7:5060\\;transport=udp',
    '192.0.2.7?x=y',
  ])('refuses %s with a ConfigError naming t/bind', (bind) => {
    const e = configError(() => fromPjsip(conf(bind)));
    expect([e.code, e.key, e.location?.line]).toEqual(['INVALID_VALUE', 't/bind', 9]);
  });
  it.each(['tcp', 'tls', 'ws', 'wss', 'flow'])(
    'checks it for protocol=%s too (Asterisk refuses the transport)',
    (p) => {
      expect(configError(() => fromPjsip(conf('0.0.0.0:70000', p))).key).toBe('t/bind');
    },
  );
  it('does not quote the value', () => {
    expect(configError(() => fromPjsip(conf('Secret7:99999'))).message).not.toContain('Secret7');
  });
});
