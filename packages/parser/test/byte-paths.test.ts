import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bytesOf } from '../src/fast-scan.js';
import { Headers, parseMessage, SipParseError, type SipRequest } from '../src/index.js';
import { view } from './typed-view.js';
import { VALUE_PIECES } from './value-pieces.js';

/**
 * A message whose header section is all ASCII and starts at byte 0 goes through the byte pass,
 * and its fast paths read the message bytes; one with a CRLF before the start line (RFC 3261
 * section 7.5) goes through the text reader, whose fast paths read the text mapped to bytes.
 * Both must give the same message, or fail with the same error code.
 */

function read(bytes: Uint8Array): unknown {
  const attempt = (f: () => unknown) => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      return { code: e.code };
    }
  };
  return attempt(() => {
    const m = parseMessage(bytes);
    const typed = (f: () => unknown) =>
      attempt(() => (Array.isArray(f()) ? (f() as unknown[]).map(view) : view(f())));
    return {
      start: m.kind === 'request' ? [m.method, String(m.uri), view(m.uri)] : [m.status, m.reason],
      body: [...m.body],
      from: typed(() => m.from),
      to: typed(() => m.to),
      via: typed(() => m.via),
      cseq: typed(() => m.cseq),
      callId: typed(() => m.callId),
      contact: typed(() => m.contact),
      route: typed(() => m.route),
    };
  });
}

function expectBothPaths(text: string): void {
  const bytes = new TextEncoder().encode(text);
  const shifted = new TextEncoder().encode(`\r\n${text}`);
  expect(read(bytes), text).toEqual(read(shifted));
}

const message = (start: string, lines: string[], body = '') =>
  `${start}\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n${body}`;

describe('the byte pass and the text reader read alike', () => {
  test.each([
    ['INVITE sip:bob@h.example.com:5060;transport=udp;lr SIP/2.0', 'Content-Length: 3', 'abc'],
    ['INVITE sips:[2001:db8::1]:5061 SIP/2.0', 'Content-Length: 0', ''],
    ['INVITE sip:a;b=c@h;x=;y SIP/2.0', 'Content-Length: 0', ''],
    ['INVITE sip:a@h:65536 SIP/2.0', 'Content-Length: 0', ''],
    ['INVITE SIP:a@h SIP/2.0', 'Content-Length: 00000000001', 'x'],
    ['INVITE sip:a@h sip/2.0', 'Content-Length: 5', 'abc'],
    ['INV@TE sip:a@h SIP/2.0', 'Content-Length: 0', ''],
    ['SIP/2.0 200 OK', 'Content-Length: 12345678901', ''],
    ['SIP/2.0 200 O\tK', 'Content-Length: 1 ', 'x'],
    ['SIP/2.0 200 O\u0001K', 'Content-Length: 1', 'x'],
    ['sip/2.0 180 Ringing', 'Content-Length: +1', 'x'],
    ['OPTIONS sip:a@h SIP/2.0', 'Content-Length: 1', ''],
  ])('%s / %s', (start, length, body) => {
    expectBothPaths(message(start, ['Via: SIP/2.0/UDP h;branch=z9hG4bK1', length], body));
  });

  test.each([
    ['Via: SIP/2.0/UDP h:5060;BRANCH=z9hG4bK1;RPORT=65535;TTL=255;received=[::1]'],
    ['Via: SIP/2.0/udp h;ttl=0255'],
    ['Via: SIP/2.0/Sctp h ; rport ; branch = "a;b"'],
    ['Via: SIP/2.0/XYZ h;rport=0, SIP/2.0/TLS [::1]:0;branch=x'],
    ['Via: SIP/2.0/UDP h;branch=a"b"'],
    ['Via: SIP/2.0/UDP h;;branch=a'],
    ['v: SIP/2.0/WSS x.invalid;branch=z9hG4bK7;rport=58213;received=203.0.113.57   '],
    ['From: "" <sip:a@b>;tag=1', 'To: <sips:a@[::1]:0>'],
    ['From: "a\tb" <sip:a@b>;tag', 'To: <sip:a@b:>'],
    ['From: <sip:a@b>;tag=;x', 'To: <sip:a@b>;;tag=1'],
    ['From: <sip:a@b>;TAG=X;tag=y', 'To: <sip:a@b>; tag=1'],
    ['f: <sip:a@b>;tag="1"', 't: <sip:a@b>;tag =1'],
    ['Contact: <sip:a@b;lr>;tag=1 , <sip:c@d>;expires=60;+sip.instance="<urn:x>"'],
    ['Contact: *', 'Route: <sip:p;lr>,<sip:q;lr>'],
    ['Contact: <sip:a@b>,', 'Route: <sip:%41@p>'],
    ['CSeq:  1 INVITE ', 'Call-ID: a@b'],
    ['CSeq: 4294967296 INVITE', 'Call-ID: a\u0001b'],
    ['CSeq: 1 INV@TE', 'i: x'],
  ])('%s', (...lines) => {
    expectBothPaths(message('OPTIONS sip:a@h SIP/2.0', [...lines, 'Content-Length: 0']));
  });

  test('generated header values', () => {
    const piece = fc.constantFrom(...VALUE_PIECES);
    const value = fc.array(piece, { maxLength: 14 }).map((p) => p.join('').trim());
    const name = fc.constantFrom('Via', 'From', 'To', 'Contact', 'Route', 'CSeq', 'Call-ID');
    fc.assert(
      fc.property(name, value, (n, v) => {
        expectBothPaths(message('OPTIONS sip:a@h SIP/2.0', [`${n}: ${v}`, 'Content-Length: 0']));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parameter look-ups', () => {
  const msg = parseMessage(
    new TextEncoder().encode(
      message('OPTIONS sip:a@h SIP/2.0', [
        'Via: SIP/2.0/UDP h;branch=z9hG4bKa ;rport',
        'Via: SIP/2.0/UDP k;rport;branch=z9hG4bKb',
        'From: <sip:a@b>;tag=x1',
        'Contact: <sip:a@b>;tag="q"',
        'Content-Length: 0',
      ]),
    ),
  ) as SipRequest;

  test('find the first parameter, a later one and a quoted one alike', () => {
    expect(msg.via.map((v) => [v.branch, v.rport])).toEqual([
      ['z9hG4bKa', true],
      ['z9hG4bKb', true],
    ]);
    const contact = msg.contact[0];
    expect([msg.from?.tag, contact !== '*' && contact?.tag]).toEqual(['x1', 'q']);
    expect([...msg.via[0]!.params]).toEqual([
      { name: 'branch', value: 'z9hG4bKa' },
      { name: 'rport', value: null },
    ]);
  });
});

describe('values given as text', () => {
  test('are read alike however long, before and after a long one', () => {
    const long = `${'a'.repeat(70000)}@b`;
    const h = new Headers().append('Call-ID', long).append('From', `<sip:${'u'.repeat(70000)}@h>;tag=1`);
    expect(h.typed('call-id')).toEqual([long]);
    expect(h.first('from')?.uri).toMatchObject({ user: 'u'.repeat(70000), host: 'h' });
    expect(h.first('from')?.tag).toBe('1');
    expect(new Headers().append('CSeq', '7 BYE').first('cseq')).toMatchObject({ seq: 7, method: 'BYE' });
  });
});

describe('bytesOf', () => {
  test('maps a non-ASCII text one code unit to one byte, even when its UTF-8 fills the buffer exactly', () => {
    // Grows the reused buffer to 200,000 + 1,024 bytes (larger than anything before it here).
    bytesOf('a'.repeat(200_000), 0, 200_000);
    // 201,024 code units whose UTF-8 is one byte longer: cut off at the buffer's end, the
    // encoder writes exactly 201,024 bytes, shifted by the two-byte character.
    const text = `\u00e9${'a'.repeat(201_022)}Z`;
    const b = bytesOf(text, 0, text.length);
    expect(b[0]).toBe(128);
    expect(b[1]).toBe(97);
    expect(b[text.length - 1]).toBe(90);
  });
});
