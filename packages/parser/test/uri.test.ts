import { describe, expect, test } from 'vitest';
import {
  type Params,
  paramsEqual,
  parseMessage,
  parseNameAddr,
  parseUri,
  SipParseError,
  type SipUri,
  uriEquals,
} from '../src/index.js';

const sip = (s: string) => parseUri(s) as SipUri;

describe('parseUri', () => {
  test('reads every part of a SIP URI', () => {
    const u = sip('sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?subject=hi&priority=urgent');
    expect(u).toMatchObject({
      scheme: 'sips',
      user: 'alice',
      password: 'secret',
      host: '[2001:db8::1]',
      port: 5061,
    });
    expect(u.hostname).toBe('2001:db8::1');
    expect(u.transport).toBe('tcp');
    expect(u.params.get('lr')).toBeNull();
    expect(u.headers.get('subject')).toBe('hi');
    expect(u.headers.get('priority')).toBe('urgent');
  });

  test('keeps a user-less URI and IPv4 host', () => {
    expect(sip('sip:192.0.2.4:5070')).toMatchObject({ user: undefined, host: '192.0.2.4', port: 5070 });
  });

  test('resolves escapes and re-escapes on output', () => {
    const u = sip('sip:%61lice%20smith@example.com;n%61me=v%25');
    expect(u.user).toBe('alice smith');
    expect(u.params.get('name')).toBe('v%');
    expect(u.toString()).toBe('sip:alice%20smith@example.com;name=v%25');
    expect(sip(u.toString()).user).toBe('alice smith');
  });

  test('reads tel URIs and keeps unknown schemes opaque', () => {
    const t = parseUri('tel:+1-201-555-0123;phone-context=example.com');
    expect(t).toMatchObject({ kind: 'tel', number: '+1-201-555-0123' });
    expect(parseUri('urn:service:sos')).toMatchObject({
      kind: 'absolute',
      scheme: 'urn',
      opaque: 'service:sos',
    });
  });

  test.each([
    ['', 'missing scheme'],
    ['sip:', 'missing host'],
    ['sip:alice@', 'missing host'],
    ['sip:alice@host:99999', 'port'],
    ['sip:alice@host:', 'port'],
    ['sip:al ice@host', 'white space'],
    ['sip:%zz@host', 'escape'],
    ['sip:@host', 'user'],
    ['sip:a@[::1', 'IPv6'],
    ['sip:a@[1]', 'IPv6'],
    ['sip:a@[:::::]', 'IPv6'],
    ['sip:a@[1:2:3:4:5:6:7]', 'IPv6'],
    ['sip:a@[1:2:3:4:5:6:7:8:9]', 'IPv6'],
    ['sip:a@[1::2::3]', 'IPv6'],
    ['sip:a@[12345::1]', 'IPv6'],
    ['sip:a@[::1:]', 'IPv6'],
    ['sip:a@[:1::2]', 'IPv6'],
    ['sip:a@[1:2:3:4:5:6:7:1.2.3.4]', 'IPv6'],
    ['sip:a@[::1.2.3]', 'IPv6'],
    ['sip:a@[::1234.1.1.1]', 'IPv6'],
    ['sip:a@[1.2.3.4::1]', 'IPv6'],
    ['sip:a@ho_st', 'host'],
    ['sip:a@host;=x', 'parameter'],
    ['1sip:a@host', 'scheme'],
    ['tel:xyz', 'telephone'],
  ])('rejects %j (%s)', (text) => {
    expect(() => parseUri(text)).toThrow(SipParseError);
  });
});

describe('IPv6 references (RFC 3261 25.1 as RFC 5954 corrects it)', () => {
  test.each([
    '[::]',
    '[::1]',
    '[1::]',
    '[2001:db8::9]',
    '[2001:DB8:0:0:8:800:200C:417A]',
    '[1:2:3:4:5:6:7::]',
    '[::2:3:4:5:6:7:8]',
    '[::ffff:192.0.2.1]',
    '[1:2:3:4:5:6:1.2.3.4]',
    '[64:ff9b::255.255.255.255]',
  ])('%s is one, in a URI and a Via, on the fast path and the slow one', (host) => {
    expect(sip(`sip:a@${host}:5060`).host).toBe(host);
    expect(sip(`sip:a@${host};%6Cr`).host).toBe(host);
    const m = parseMessage(
      new TextEncoder().encode(
        `OPTIONS sip:a@${host} SIP/2.0\r\nVia: SIP/2.0/UDP ${host}:5060;branch=z9hG4bK1\r\n\r\n`,
      ),
    );
    expect((m as { uri: SipUri }).uri.host).toBe(host);
    expect(m.topVia?.host).toBe(host);
  });

  test.each(['[1]', '[:::::]', '[1:2]', '[::g]', '[1::2::3]', '[::1.2.3.4.5]'])(
    '%s is not, in a Request-URI, a header URI or a Via',
    (host) => {
      const m = (ruri: string, via: string) =>
        new TextEncoder().encode(
          `OPTIONS ${ruri} SIP/2.0\r\nVia: SIP/2.0/UDP ${via};branch=z9hG4bK1\r\nTo: <sip:a@${host}>\r\n\r\n`,
        );
      expect(() => parseMessage(m(`sip:a@${host}`, 'h'))).toThrow(/bad IPv6 reference/);
      const parsed = parseMessage(m('sip:a@b', host));
      expect(() => parsed.via).toThrow(SipParseError);
      expect(() => parsed.to).toThrow(/bad IPv6 reference/);
    },
  );
});

describe('URI errors', () => {
  test('quote no character of the URI: the user or password part may hold a secret', () => {
    for (const [text, what] of [
      ['sip:alice:sec{ret@host', 'password'],
      ['sip:alice:se"cret@host', 'URI'],
      ['sip:al{ice:secret@host', 'user'],
    ] as const) {
      try {
        parseUri(text);
        expect.unreachable(text);
      } catch (e) {
        expect(e).toBeInstanceOf(SipParseError);
        const message = (e as SipParseError).message;
        expect(message, text).toContain(what);
        expect(message, text).not.toMatch(/['"{]/);
      }
    }
    expect(() => parseUri('sip:alice@host;p{=1')).toThrow('character not allowed in URI parameter');
  });
});

describe('URI headers', () => {
  test('a URI without headers gets a list to write on first use; it serialises, clones and compares', () => {
    const request = parseMessage(
      new TextEncoder().encode(
        'OPTIONS sip:bob@biloxi.example.com;lr SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:bob@biloxi.example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
      ),
    );
    if (request.kind !== 'request') throw new Error('expected a request');
    const fromMessage = request.uri as SipUri;
    // One from the string-level parser, one from the message fast path.
    for (const u of [sip('sip:bob@biloxi.example.com;lr'), fromMessage]) {
      expect(u.headers.size).toBe(0);
      expect(u.toString()).not.toContain('?');
      u.headers.set('subject', 'hi');
      expect(u.toString()).toMatch(/\?subject=hi$/);
      const copy = u.clone();
      copy.headers.set('priority', 'urgent');
      expect(u.headers.size).toBe(1);
      expect(copy.toString()).toMatch(/\?subject=hi&priority=urgent$/);
      expect(uriEquals(u, sip(u.toString()))).toBe(true);
      expect(uriEquals(u, sip('sip:bob@biloxi.example.com;lr'))).toBe(false);
    }
  });

  test('headers can be replaced as a whole', () => {
    const u = sip('sip:carol@chicago.example.com?subject=a');
    u.headers = sip('sip:x@y?priority=urgent').headers;
    expect(u.toString()).toBe('sip:carol@chicago.example.com?priority=urgent');
  });
});

describe('uriEquals (RFC 3261 19.1.4)', () => {
  const eq = (a: string, b: string) => uriEquals(parseUri(a), parseUri(b));

  test.each([
    ['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'],
    ['sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5'],
    [
      'sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com',
      'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com',
    ],
    [
      'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
      'sip:alice@atlanta.com?priority=urgent&subject=project%20x',
    ],
    ['tel:+1-201-555-0123', 'tel:+12015550123'],
  ])('%s == %s', (a, b) => {
    expect(eq(a, b)).toBe(true);
    expect(eq(b, a)).toBe(true);
  });

  test('URI headers must match as multisets, either way round', () => {
    expect(eq('sip:a@b?h=1&h=1', 'sip:a@b?h=1&h=2')).toBe(false);
    expect(eq('sip:a@b?h=1&h=2', 'sip:a@b?h=1&h=1')).toBe(false);
    expect(eq('sip:a@b?h=1&H=2', 'sip:a@b?h=2&h=1')).toBe(true);
    expect(eq('sip:a@b?subject=x', 'sip:a@b?s=x')).toBe(true);
  });

  test('long parameter and header lists compare in work linear in their length', () => {
    // Work is counted, not timed: every read of a parameter's name, value or quotedness. Comparing
    // every pair (what this guards against) reads each name once per other parameter.
    let reads = 0;
    const counted = (...lists: Params[]) => {
      for (const list of lists) {
        for (const p of list) {
          for (const [key, value] of Object.entries(p)) {
            Object.defineProperty(p, key, {
              get: () => {
                reads++;
                return value;
              },
            });
          }
        }
      }
    };
    const work = (n: number) => {
      const params = Array.from({ length: n }, (_, i) => `;p${i}=${i}`).join('');
      const headers = Array.from({ length: n }, (_, i) => `h${i}=${i}`).join('&');
      const a = sip(`sip:a@b${params}?${headers}`);
      const b = sip(`sip:a@b${params}?${headers.split('&').reverse().join('&')}`);
      const c = parseNameAddr(`<sip:a@b>${params}`).params;
      const d = c.clone();
      counted(a.params, a.headers, b.params, b.headers, c, d);
      reads = 0;
      expect(uriEquals(a, b)).toBe(true);
      expect(uriEquals(b, a)).toBe(true);
      expect(paramsEqual(c, d)).toBe(true);
      return reads;
    };
    const small = work(1000);
    expect(small).toBeGreaterThan(0);
    expect(work(4000)).toBeLessThanOrEqual(5 * small);
  });

  test.each([
    ['SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'],
    ['sip:bob@biloxi.com', 'sips:bob@biloxi.com'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'],
    ['sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4'],
    ['sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off'],
    ['sip:alice@example.com', 'tel:+1'],
  ])('%s != %s', (a, b) => {
    expect(eq(a, b)).toBe(false);
  });
});
