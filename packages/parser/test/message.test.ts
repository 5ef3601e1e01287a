import { describe, expect, test } from 'vitest';
import {
  createRequest,
  createResponse,
  DEFAULT_LIMITS,
  type NameAddr,
  parseMessage,
  SipParseError,
  type SipRequest,
  type SipResponse,
  serialize,
  validateMessage,
} from '../src/index.js';
import { parseErrorOf } from './refusal.js';

const enc = (s: string) => new TextEncoder().encode(s);
const crlf = (...lines: string[]) => enc(lines.join('\r\n'));

const INVITE = crlf(
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport;received=192.0.2.1',
  'Via: SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bKnashds8;ttl=16;maddr=224.2.0.1',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: "Alice Ω" <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>;expires=60;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";reg-id=1, sip:a2@h;q=0.5',
  'Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
  'Supported: timer, 100rel',
  'Session-Expires: 1800;refresher=uac',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\u00e9',
);

/** The SipParseError `f` throws, as plain data. */
function failure(f: () => unknown): { code: string; position: number; message: string } {
  const { code, position, message } = parseErrorOf(f);
  return { code, position, message };
}

describe('parseMessage', () => {
  test('reads a request with typed headers', () => {
    const m = parseMessage(INVITE) as SipRequest;
    expect(m.method).toBe('INVITE');
    expect(m.via).toHaveLength(2);
    expect(m.topVia).toMatchObject({
      transport: 'UDP',
      host: 'pc33.atlanta.example.com',
      rport: true,
      received: '192.0.2.1',
    });
    expect(m.via[1]).toMatchObject({ host: '[2001:db8::9]', port: 5070, ttl: 16, maddr: '224.2.0.1' });
    expect(m.from?.displayName).toBe('Alice Ω');
    expect(m.to?.displayName).toBe('Bob');
    expect(m.cseq).toMatchObject({ seq: 314159, method: 'INVITE' });
    const [c1, c2] = m.contact as NameAddr[];
    expect(c1).toMatchObject({
      expires: 60,
      regId: 1,
      instance: 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    });
    expect(c2?.q).toBe(0.5);
    expect(m.recordRoute.map(String)).toEqual(['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
    expect(m.headers.typed('supported')).toEqual(['timer', '100rel']);
    expect(m.headers.first('session-expires')?.value).toBe(1800);
    expect(m.body.length).toBe(4); // Content-Length counts bytes: "v=0" + 2-byte é would be 5.
    expect(validateMessage(m)).toBeUndefined();
  });

  test('Content-Length counts bytes, not characters', () => {
    const m = parseMessage(crlf('MESSAGE sip:a@b SIP/2.0', 'Content-Length: 2', '', 'é'));
    expect(m.bodyText).toBe('é');
  });

  test('caches typed values until the header changes', () => {
    const m = parseMessage(INVITE);
    expect(m.from).toBe(m.from);
    m.headers.set('From', '<sip:carol@example.com>;tag=9');
    expect(m.from?.tag).toBe('9');
  });

  test('reads a response and its challenges', () => {
    const m = parseMessage(
      crlf(
        'SIP/2.0 401 Unauthorized',
        'Via: SIP/2.0/UDP h;branch=z9hG4bKx',
        'From: <sip:a@b>;tag=1',
        'To: <sip:a@b>;tag=2',
        'Call-ID: x',
        'CSeq: 1 REGISTER',
        'WWW-Authenticate: Digest realm="b", nonce="abc", algorithm=SHA-256, qop="auth,auth-int"',
        'WWW-Authenticate: Digest realm="b", nonce="abc", algorithm=MD5',
        'Proxy-Authenticate: Bearer realm="x", authz_server="https://as.example.com/"',
        'l: 0',
        '',
        '',
      ),
    ) as SipResponse;
    expect(m.status).toBe(401);
    expect(m.reason).toBe('Unauthorized');
    expect(m.challenges.map((c) => [c.scheme, c.param('algorithm'), c.param('realm')])).toEqual([
      ['Digest', 'SHA-256', 'b'],
      ['Digest', 'MD5', 'b'],
      ['Bearer', undefined, 'x'],
    ]);
    expect(m.challenges[0]?.param('qop')).toBe('auth,auth-int');
  });

  test('ignores CRLFs before the start line', () => {
    expect(parseMessage(crlf('', '', 'OPTIONS sip:a@b SIP/2.0', 'l: 0', '', '')).kind).toBe('request');
  });

  test.each([
    ['EMPTY', crlf('', '')],
    ['NO_HEADER_END', crlf('OPTIONS sip:a@b SIP/2.0', 'To: <sip:a@b>')],
    ['BAD_START_LINE', crlf('OPTIONS', '', '')],
    ['BAD_VERSION', crlf('SIP/3.0 200 OK', '', '')],
    ['BAD_STATUS', crlf('SIP/2.0 99 Weird', '', '')],
    ['BAD_METHOD', crlf('OPT(IONS sip:a@b SIP/2.0', '', '')],
    ['BAD_HEADER', crlf('OPTIONS sip:a@b SIP/2.0', 'Bad Name: x', '', '')],
    ['BAD_HEADER', crlf('OPTIONS sip:a@b SIP/2.0', ' folded-first: x', '', '')],
    ['BAD_HEADER', crlf('OPTIONS sip:a@b SIP/2.0', 'To: a\nb', '', '')],
    ['BAD_ENCODING', new Uint8Array([...enc('OPTIONS sip:a@b SIP/2.0\r\nX: '), 0xff, ...enc('\r\n\r\n')])],
    ['BAD_CONTENT_LENGTH', crlf('OPTIONS sip:a@b SIP/2.0', 'Content-Length: 0x1', '', '')],
    ['TRUNCATED_BODY', crlf('OPTIONS sip:a@b SIP/2.0', 'Content-Length: 5', '', 'abc')],
  ])('rejects with %s', (code, bytes) => {
    try {
      parseMessage(bytes);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SipParseError);
      expect((e as SipParseError).code).toBe(code);
    }
  });

  test('stream framing needs an exact Content-Length', () => {
    const msg = crlf('OPTIONS sip:a@b SIP/2.0', 'l: 1', '', 'ab');
    expect(parseMessage(msg).body.length).toBe(1);
    expect(() => parseMessage(msg, { framing: 'stream' })).toThrow(SipParseError);
    expect(() => parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', '', ''), { framing: 'stream' })).toThrow(
      SipParseError,
    );
  });

  test('a limit given as undefined keeps its default instead of switching it off', () => {
    const lines = ['OPTIONS sip:a@b SIP/2.0', ...Array.from({ length: 300 }, (_, i) => `X-${i}: v`), '', ''];
    const many = crlf(...lines);
    const limits = { maxHeaders: undefined, maxMessageBytes: undefined, maxLineLength: undefined };
    expect(failure(() => parseMessage(many, { limits }))).toMatchObject({ code: 'TOO_MANY_HEADERS' });
    expect(
      failure(() =>
        parseMessage(crlf(`OPTIONS sip:a@b SIP/2.0`, `X: ${'a'.repeat(70_000)}`, '', ''), { limits }),
      ),
    ).toMatchObject({ code: 'TOO_LARGE' });
  });

  test('enforces limits', () => {
    const lines = ['OPTIONS sip:a@b SIP/2.0', ...Array.from({ length: 20 }, (_, i) => `X-${i}: v`), '', ''];
    const many = crlf(...lines);
    const at = (bytes: Uint8Array, s: string) => Buffer.from(bytes).indexOf(s);
    expect(failure(() => parseMessage(many, { limits: { maxHeaders: 10 } }))).toEqual({
      code: 'TOO_MANY_HEADERS',
      position: at(many, 'X-10:'),
      message: 'more than 10 headers',
    });
    expect(failure(() => parseMessage(many, { limits: { maxMessageBytes: 100 } }))).toEqual({
      code: 'TOO_LARGE',
      position: 100,
      message: 'message larger than 100 bytes',
    });
    const long = crlf('OPTIONS sip:a@b SIP/2.0', 'Subject: é', `X: ${'a'.repeat(200)}`, '', '');
    expect(failure(() => parseMessage(long, { limits: { maxLineLength: 100 } }))).toEqual({
      code: 'LINE_TOO_LONG',
      position: at(long, 'X: '),
      message: 'line longer than 100',
    });
    expect(
      failure(() =>
        parseMessage(crlf('', 'OPTIONS sip:a@b SIP/2.0', '', ''), { limits: { maxLineLength: 10 } }),
      ),
    ).toEqual({
      code: 'LINE_TOO_LONG',
      position: 2,
      message: 'line longer than 10',
    });
    expect(DEFAULT_LIMITS.maxMessageBytes).toBeGreaterThan(long.length);
  });

  test('framing error positions are byte offsets into the input, leading CRLFs and multi-byte characters counted', () => {
    const H = 'Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nCall-ID: c\r\n';
    const cases: [string, string, string][] = [
      [`OPTIONS sip:a@b SIP/2.0\r\n${H}Bad Name: x\r\n\r\n`, 'BAD_HEADER', 'Bad Name'],
      [`\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\n${H}Bad Name: x\r\n\r\n`, 'BAD_HEADER', 'Bad Name'],
      [`OPTIONS sip:a@b SIP/2.0\r\nSubject: ééééé\r\n${H}Bad Name: x\r\n\r\n`, 'BAD_HEADER', 'Bad Name'],
      [`\r\nOPTIONS sip:a@b SIP/2.0\r\nSubject: 日本\r\n folded\r\n: x\r\n\r\n`, 'BAD_HEADER', ': x'],
      [`\r\nOPTIONS sip:a@b SIP/2.0\r\nX: a\nb\r\n\r\n`, 'BAD_HEADER', 'X: a'],
      [`\r\nOPTIONS sip:a@b:99999 SIP/2.0\r\n\r\n`, 'BAD_URI', '99999'],
      [`\r\nOPT(IONS sip:a@b SIP/2.0\r\n\r\n`, 'BAD_METHOD', 'OPT('],
      [`\r\nSIP/2.0 200 Ø\x01K\r\n\r\n`, 'BAD_START_LINE', '\x01'],
      [`\r\nSIP/2.0 2000 OK\r\n\r\n`, 'BAD_STATUS', '2000'],
      [`\r\nOPTIONS sip:a@b SIP/2.0\r\nSubject: é\r\nContent-Length: 5\r\n\r\nabc`, 'TRUNCATED_BODY', 'abc'],
      [`\r\nOPTIONS sip:a@b SIP/2.0\r\nSubject: é\r\nContent-Length: 0x1\r\n\r\n`, 'BAD_CONTENT_LENGTH', ''],
    ];
    for (const [text, code, before] of cases) {
      const bytes = enc(text);
      const where = before === '' ? bytes.length : Buffer.from(bytes).indexOf(before);
      expect(
        failure(() => parseMessage(bytes)),
        JSON.stringify(text),
      ).toMatchObject({ code, position: where });
    }
  });

  test('lazy header errors are SipParseError naming the header', () => {
    const base = [
      'OPTIONS sip:a@b SIP/2.0',
      'Via: SIP/2.0/UDP h;branch=z9hG4bK1',
      'From: <sip:a@b>;tag=1',
      'To: <sip:a@b>',
    ];
    const m = parseMessage(crlf(...base, 'Call-ID: c', 'CSeq: 1 OPTIONS', 'Max-Forwards: 256', '', ''));
    expect(() => m.maxForwards).toThrow(SipParseError);
    expect(validateMessage(m)).toMatchObject({ status: 400, header: 'max-forwards' });
    expect(validateMessage(parseMessage(crlf(...base, 'Call-ID: c', '', '')))).toMatchObject({
      header: 'cseq',
    });
    const fine = parseMessage(crlf(...base, 'Call-ID: c', 'CSeq: 1 OPTIONS', 'Max-Forwards: 255', '', ''));
    expect(validateMessage(fine)).toBeUndefined();
  });
});

describe('serialize', () => {
  test('round-trips a parsed message and rewrites Content-Length from the body', () => {
    const m = parseMessage(INVITE);
    const again = parseMessage(serialize(m));
    expect([...again.headers.entries()]).toEqual([...m.headers.entries()]);
    expect(again.body).toEqual(m.body);
    m.body = enc('longer body');
    expect(parseMessage(serialize(m)).headers.get('content-length')).toBe('11');
  });

  test('builds requests and responses per RFC 3261 8.2.6', () => {
    const r = createRequest({
      method: 'OPTIONS',
      uri: 'sip:bob@example.com',
      headers: [
        ['Via', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc'],
        ['From', '<sip:alice@example.com>;tag=a'],
        ['To', '<sip:bob@example.com>'],
        ['Call-ID', 'c1'],
        ['CSeq', '1 OPTIONS'],
        ['Timestamp', '54'],
        ['Record-Route', '<sip:p1;lr>'],
      ],
    });
    const trying = createResponse(r, 100, { toTag: 'x' });
    expect(trying.to?.tag).toBeUndefined();
    expect(trying.headers.get('timestamp')).toBe('54');
    const ok = createResponse(r, 200, { toTag: 'x', body: 'hello' });
    expect(ok.reason).toBe('OK');
    expect(ok.to?.tag).toBe('x');
    expect(ok.headers.has('record-route')).toBe(false);
    const wire = new TextDecoder().decode(serialize(ok));
    expect(wire).toBe(
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc\r\nFrom: <sip:alice@example.com>;tag=a\r\n' +
        'To: <sip:bob@example.com>;tag=x\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 5\r\n\r\nhello',
    );
    expect(validateMessage(parseMessage(enc(wire)))).toBeUndefined();
  });
});
