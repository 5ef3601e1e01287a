import { describe, expect, test } from 'vitest';
import { type NameAddr, type Params, parseMessage, type SipUri, validateMessage } from '../src/index.js';
import { parseErrorOf } from './refusal.js';

const enc = (s: string) => new TextEncoder().encode(s);
/** A response with `lines` among the mandatory headers, parsed. */
const withLines = (...lines: string[]) =>
  parseMessage(
    enc(
      [
        'SIP/2.0 200 OK',
        'v: SIP/2.0/UDP h;branch=z9hG4bK1',
        'f: <sip:a@b>;tag=1',
        't: <sip:a@b>;tag=2',
        'i: c',
        'CSeq: 1 REGISTER',
        ...lines,
        'l: 0',
        '',
        '',
      ].join('\r\n'),
    ),
  );
/** Parameters as `name=value` (or `name`) strings. */
const list = (p: Params) => [...p].map((x) => (x.value === null ? x.name : `${x.name}=${x.value}`));
/** The code and header of the SipParseError `f` throws. */
const failure = (f: () => unknown) => {
  const { code, header } = parseErrorOf(f);
  return { code, header };
};

describe('typed values of the scalar headers', () => {
  test('Expires, Min-Expires and RSeq are 32-bit numbers', () => {
    const m = withLines('Expires: 3600', 'Min-Expires: 60', 'RSeq: 988789');
    expect(m.expires).toBe(3600);
    expect(m.headers.typed('expires')).toEqual([3600]);
    expect(m.headers.first('min-expires')).toBe(60);
    expect(m.headers.first('rseq')).toBe(988789);
    expect(withLines('Min-Expires: 4294967295').headers.first('min-expires')).toBe(4294967295);
    for (const [line, header] of [
      ['Min-Expires: 4294967296', 'min-expires'],
      ['Expires: -1', 'expires'],
      ['Expires: Thu, 01 Dec 1994 16:00:00 GMT', 'expires'],
      ['Min-Expires: 1h', 'min-expires'],
      ['RSeq: -1', 'rseq'],
      ['RSeq: ', 'rseq'],
    ] as const) {
      const m = withLines(line);
      expect(
        failure(() => m.headers.typed(header)),
        line,
      ).toEqual({ code: 'BAD_VALUE', header });
    }
  });

  test('an Expires beyond 2**32 - 1 reads as 3600, as a Contact expires does (RFC 4475 3.1.2.4)', () => {
    expect(withLines('Expires: 4294967295').expires).toBe(4294967295);
    for (const value of ['4294967296', '0004294967296', '9'.repeat(100), '9'.repeat(400)]) {
      const m = withLines(`Expires: ${value}`);
      expect(m.expires, value).toBe(3600);
      expect(m.headers.typed('expires')).toEqual([3600]);
      // Not a reason to refuse the message any more.
      expect(validateMessage(m)).toBeUndefined();
    }
    const contact = withLines('Expires: 99999999999', 'Contact: <sip:a@b>;expires=99999999999');
    expect([contact.expires, (contact.contact[0] as NameAddr).expires]).toEqual([3600, 3600]);
  });

  test('Min-SE and Session-Expires (x) carry a number and parameters', () => {
    const m = withLines('Min-SE: 90;x=1', 'x: 1800;refresher=uas');
    expect(m.headers.first('min-se')).toMatchObject({ value: 90 });
    expect(list(m.headers.first('min-se')!.params)).toEqual(['x=1']);
    const se = m.headers.first('session-expires')!;
    expect(se.value).toBe(1800);
    expect(se.params.get('refresher')).toBe('uas');
    expect(failure(() => withLines('Min-SE: soon').headers.typed('min-se'))).toEqual({
      code: 'BAD_VALUE',
      header: 'min-se',
    });
  });

  test('Subscription-State and Event (o) are a token with parameters', () => {
    const m = withLines('Subscription-State: terminated;reason=timeout;expires=0', 'o: presence;id=7');
    const state = m.headers.first('subscription-state')!;
    expect(state.value).toBe('terminated');
    expect(list(state.params)).toEqual(['reason=timeout', 'expires=0']);
    expect(m.headers.first('event')).toMatchObject({ value: 'presence' });
    expect(m.headers.first('event')!.params.get('id')).toBe('7');
    expect(
      failure(() => withLines('Subscription-State: ;expires=1').headers.typed('subscription-state')),
    ).toEqual({ code: 'BAD_VALUE', header: 'subscription-state' });
  });
});

describe('typed values of the address headers', () => {
  test('Refer-To (r) keeps URI headers, Referred-By (b) its address', () => {
    const m = withLines(
      'r: <sip:carol@example.com?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>',
      'b: "Bob" <sip:bob@example.com>;cid=x',
    );
    const referTo = m.headers.first('refer-to')!;
    expect((referTo.uri as SipUri).headers.get('Replaces')).toBe('abc@h;to-tag=1;from-tag=2');
    expect(String(referTo)).toBe('<sip:carol@example.com?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>');
    const referredBy = m.headers.first('referred-by')!;
    expect(referredBy.displayName).toBe('Bob');
    expect(referredBy.params.get('cid')).toBe('x');
    expect(failure(() => withLines('Refer-To: <sip:carol@example.com').headers.typed('refer-to'))).toEqual({
      code: 'BAD_VALUE',
      header: 'refer-to',
    });
  });

  test('Path and Service-Route are name-addr lists across lines', () => {
    const m = withLines(
      'Path: <sip:p1.example.com;lr;ob>, <sip:p2.example.com;lr>',
      'Service-Route: <sip:orig@scscf.example.com;lr>',
      'Path: <sip:p3.example.com;lr>',
    );
    const uris = (v: NameAddr[]) => v.map((x) => String(x.uri));
    expect(uris(m.headers.typed('path'))).toEqual([
      'sip:p1.example.com;lr;ob',
      'sip:p2.example.com;lr',
      'sip:p3.example.com;lr',
    ]);
    expect(uris(m.headers.typed('service-route'))).toEqual(['sip:orig@scscf.example.com;lr']);
    expect(failure(() => withLines('Path: <sip:p1;lr>,').headers.typed('path'))).toEqual({
      code: 'BAD_VALUE',
      header: 'path',
    });
  });
});

describe('typed values of the list headers', () => {
  test('Security-Client, -Server and -Verify (RFC 3329) are mechanisms with parameters', () => {
    const m = withLines(
      'Security-Client: sdes-srtp;mediasec, msrp-tls;mediasec',
      'Security-Server: ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;spi-c=1234;port-c=5062, tls;q=0.2',
      'Security-Verify: tls;q=0.2',
    );
    const mechanisms = (k: 'security-client' | 'security-server' | 'security-verify') =>
      m.headers.typed(k).map((v) => [v.value, ...list(v.params)]);
    expect(mechanisms('security-client')).toEqual([
      ['sdes-srtp', 'mediasec'],
      ['msrp-tls', 'mediasec'],
    ]);
    expect(mechanisms('security-server')).toEqual([
      ['ipsec-3gpp', 'q=0.1', 'alg=hmac-sha-1-96', 'spi-c=1234', 'port-c=5062'],
      ['tls', 'q=0.2'],
    ]);
    expect(mechanisms('security-verify')).toEqual([['tls', 'q=0.2']]);
    expect(failure(() => withLines('Security-Client: tls;q=').headers.typed('security-client'))).toEqual({
      code: 'BAD_VALUE',
      header: 'security-client',
    });
  });

  test('Allow, Unsupported, Supported (k) and Allow-Events (u) are token lists', () => {
    const m = withLines(
      'Allow: INVITE, ACK , BYE',
      'Unsupported: foo',
      'k: path, gruu',
      'u: presence, dialog',
    );
    expect(m.headers.typed('allow')).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(m.headers.typed('unsupported')).toEqual(['foo']);
    expect(m.headers.typed('supported')).toEqual(['path', 'gruu']);
    expect(m.headers.typed('allow-events')).toEqual(['presence', 'dialog']);
    expect(withLines('Allow:').headers.typed('allow')).toEqual([]);
    expect(failure(() => withLines('Allow: INVITE, <ACK>').headers.typed('allow'))).toEqual({
      code: 'BAD_VALUE',
      header: 'allow',
    });
    expect(failure(() => withLines('Unsupported: a b').headers.typed('unsupported'))).toEqual({
      code: 'BAD_VALUE',
      header: 'unsupported',
    });
  });
});

describe('compact forms', () => {
  test('every compact name is looked up by its long name, raw and typed', () => {
    const m = withLines(
      'k: 100rel',
      'e: gzip',
      'o: dialog',
      'r: <sip:c@d>',
      'b: <sip:e@f>',
      'x: 90',
      'u: talk',
      'y: abc',
    );
    expect(m.headers.get('Supported')).toBe('100rel');
    expect(m.headers.get('content-encoding')).toBe('gzip');
    expect(m.headers.first('event')?.value).toBe('dialog');
    expect(String(m.headers.first('refer-to')?.uri)).toBe('sip:c@d');
    expect(String(m.headers.first('referred-by')?.uri)).toBe('sip:e@f');
    expect(m.headers.first('session-expires')?.value).toBe(90);
    expect(m.headers.typed('allow-events')).toEqual(['talk']);
    expect(m.headers.get('identity')).toBe('abc');
    // The names stay as written, and the long spelling finds them in any case.
    expect([...m.headers.entries()].map(([n]) => n).slice(5, 13)).toEqual([
      'k',
      'e',
      'o',
      'r',
      'b',
      'x',
      'u',
      'y',
    ]);
    expect(m.headers.has('REFERRED-BY')).toBe(true);
  });
});
