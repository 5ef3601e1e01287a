import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  HEADER_PARSERS,
  Headers,
  type KnownHeader,
  parseMessage,
  SipParseError,
  type SipRequest,
} from '../src/index.js';
import { view } from './typed-view.js';
import { VALUE_PIECES } from './value-pieces.js';

/**
 * Typed access takes the common shapes of Via, From/To, Contact/Route, CSeq and Call-ID through
 * fast paths that keep parameters unread until asked for. Whatever they take must read exactly
 * as the string-level parsers (HEADER_PARSERS) read it, and whatever they leave must fail the
 * same way. Getters run before the parameter lists are read, then the lists, so both ways of
 * answering are compared.
 */

function read(f: () => unknown[]): unknown {
  try {
    return f().map(view);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return { code: e.code, message: e.message, position: e.position, header: e.header };
  }
}

const NAMES: Record<string, KnownHeader> = {
  Via: 'via',
  From: 'from',
  To: 'to',
  Contact: 'contact',
  Route: 'route',
  CSeq: 'cseq',
  'Call-ID': 'call-id',
};

/** The three ways to the typed value: string-level parser, a string header line, parsed bytes. */
function expectSameEverywhere(name: string, value: string): void {
  const key = NAMES[name]!;
  const expected = read(() => HEADER_PARSERS[key](value, key));
  expect(
    read(() => new Headers().append(name, value).typed(key)),
    `${name}: ${value}`,
  ).toEqual(expected);
  const bytes = new TextEncoder().encode(`OPTIONS sip:a@b SIP/2.0\r\n${name}: ${value}\r\n\r\n`);
  expect(
    read(() => parseMessage(bytes).headers.typed(key)),
    `${name}: ${value} (parsed)`,
  ).toEqual(expected);
}

describe('fast paths read as the string-level parsers', () => {
  test.each([
    ['Via', 'SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKxyz;rport=5060;received=[2001:db8::1]'],
    ['Via', 'SIP/2.0/udp 10.0.0.1:5060 ; branch = z9hG4bK1 ; rport , SIP/2.0/TCP [::1]:65535;ttl=255'],
    ['Via', 'SIP/2.0/UDP h;ttl=256'],
    ['Via', 'SIP/2.0/UDP h;rport=65536'],
    ['Via', 'SIP/2.0/UDP h;branch'],
    ['Via', 'SIP/2.0/UDP h;branch=a;branch'],
    ['Via', 'SIP/2.0/UDP h:65536;branch=a'],
    ['Via', 'SIP/2.0/UDP h;x="a,b";branch=c, SIP/2.0/UDP k'],
    ['Via', 'SIP/2.0/UDP h;branch= z9hG4bKa ;received= 1.2.3.4'],
    ['Via', 'SIP/2.0/UDP[::1];branch=a'],
    ['Via', 'SIP/2.0/UDPh'],
    ['Via', 'SIP/2.0/UDP h,'],
    // Transports the fast path gives as constants, and spellings next to them that it must not.
    ['Via', 'SIP/2.0/WS h, SIP/2.0/WSS h, SIP/2.0/TCP h, SIP/2.0/TLS h, SIP/2.0/UDP h'],
    ['Via', 'SIP/2.0/ws h, SIP/2.0/Wss h, SIP/2.0/tcP h, SIP/2.0/tls h, SIP/2.0/udp h'],
    ['Via', 'SIP/2.0/W h, SIP/2.0/WSX h, SIP/2.0/UD h, SIP/2.0/UDPS h, SIP/2.0/SCTP h, SIP/2.0/TLS-SCTP h'],
    ['Via', 'SIP/2.0/TCPh'],
    // What RFC 3261's grammar refuses: hosts, received, maddr, branch.
    ['Via', 'SIP/2.0/UDP a-.b;branch=z9hG4bK1'],
    ['Via', 'SIP/2.0/UDP h;received=1.2.3.4;maddr=a.b;branch=z9hG4bK1, SIP/2.0/UDP 1.2.3'],
    ['Via', 'SIP/2.0/UDP h;received=1.2.3;branch=z9hG4bK1'],
    ['Via', 'SIP/2.0/UDP h;received=1.2.3.4x'],
    ['Via', 'SIP/2.0/UDP h;maddr=a..b'],
    ['Via', 'SIP/2.0/UDP h;branch=z9hG4bK:1'],
    ['From', '<sip:a@b>;tag=a:b'],
    ['From', '<sip:a@host.9>;tag=1'],
    ['To', '<sip:a@b>;x=1;tag=[::1]'],
    ['Call-ID', 'a@b@c'],
    ['Call-ID', 'a;b'],
    ['From', '"Alice Liddell" <sip:alice@sip.example.com>;tag=hl8vdm3h2q'],
    ['From', '<sips:a@[2001:db8::1]:5061;transport=TLS;lr>;TAG="x y";tag=z'],
    ['From', '<sip:a@b>;tag= x'],
    ['From', '<sip:a@b> ;tag =x;lr'],
    ['From', '"a,b <c>" <sip:a@b>'],
    ['From', '<sip:a@b:65536>'],
    ['From', '<sip:a@b:0>;tag'],
    ['From', 'Alice <sip:a@b>;tag=1'],
    ['From', '<sip:a@b>, <sip:c@d>'],
    ['To', '<sip:a;b=c@host;user=phone>'],
    ['To', '<sip:host;x=1@y>'],
    ['To', '<tel:+1-555>'],
    ['Contact', '*'],
    [
      'Contact',
      '<sip:2kp4fu0r@x.invalid;transport=ws>;expires=600;+sip.instance="<urn:uuid:3c0f>";reg-id=1, <sip:a@[::1]:5060>;q=0.5',
    ],
    ['Contact', '<sip:a@b>;expires=60 ,<sip:c@d>'],
    ['Contact', '<sip:a@b>,'],
    ['Route', '<sip:10.20.1.15;r2=on;lr;ftag=r0b6c6ivfq;did=3a1.b7e2>,<sip:p2;lr>'],
    ['CSeq', '4711 INVITE'],
    ['CSeq', '4294967296 INVITE'],
    ['CSeq', '00000000001 ACK'],
    ['CSeq', '1INVITE'],
    ['Call-ID', '7ntk9fmfq3vo1ue1u3k0pj@192.0.2.10'],
    ['Call-ID', 'a\u000bb'],
  ])('%s: %s', (name, value) => expectSameEverywhere(name, value));

  test('generated values', () => {
    const piece = fc.constantFrom(...VALUE_PIECES, 'é');
    const value = fc.array(piece, { maxLength: 14 }).map((p) => p.join('').trim());
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(NAMES)), value, (name, v) => expectSameEverywhere(name, v)),
      { numRuns: 3000 },
    );
  });
});

describe('parameters kept unread', () => {
  const msg = parseMessage(
    new TextEncoder().encode(
      'OPTIONS sip:a@b;lr SIP/2.0\r\nAuthorization: Digest response="6629fae4"\r\nFrom: <sip:a@b>;tag=1\r\n\r\n',
    ),
  ) as SipRequest;

  test('show in JSON and inspection as the list they hold, and nothing of other headers', () => {
    const json = JSON.stringify(msg.from);
    expect(JSON.parse(json).params).toEqual({ list: [{ name: 'tag', value: '1' }] });
    expect(JSON.stringify(msg.uri)).toContain('"name":"lr"');
    for (const shown of [json, inspect(msg.from, { depth: 5 }), inspect(msg.uri, { depth: 5 })]) {
      expect(shown).not.toContain('6629fae4');
    }
  });
});

describe('typed values over several lines', () => {
  // The first element of a header becomes a one-element list that later lines append to, and a
  // line the fast path leaves goes to HEADER_PARSERS; either order must give the same list.
  test.each([
    [
      'Via',
      ['SIP/2.0/UDP a;branch=z9hG4bK1', 'SIP/2.0/UDP b;x="1,2", SIP/2.0/TCP c', 'SIP/2.0/UDP d;x="a\\"b"'],
    ],
    ['Via', ['SIP/2.0/UDP b;x="1,2"', 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/WS e.invalid;rport']],
    ['Contact', ['<sip:a@b>;expires=60, <sip:c@d>', 'Carol <sip:c@e>', '<sip:f@g;lr>;q=0.5']],
    ['Contact', ['Carol <sip:c@e>', '<sip:a@b>;expires=60']],
    ['Route', ['<sip:p1;lr>', '<sip:p2;lr>,<sip:p3;lr>', '<sip:%41@p4>']],
  ])('%s', (name, lines) => {
    const key = NAMES[name]!;
    const expected = lines.flatMap((v) => HEADER_PARSERS[key](v, key)).map(view);
    const text = `OPTIONS sip:a@b SIP/2.0\r\n${lines.map((v) => `${name}: ${v}\r\n`).join('')}\r\n`;
    const parsed = parseMessage(new TextEncoder().encode(text)).headers;
    expect(parsed.typed(key).map(view)).toEqual(expected);
    const built = new Headers();
    for (const v of lines) built.append(name, v);
    expect(built.typed(key).map(view)).toEqual(expected);
  });
});

describe('typed values of the headers most messages have', () => {
  // Via, From, To, Call-ID, CSeq and Contact are looked up from an index of where their lines
  // are, made on the first typed access; a change to the header list must not use a stale one.
  const enc = (s: string) => new TextEncoder().encode(s);
  const text = [
    'INVITE sip:a@b SIP/2.0',
    'Via: SIP/2.0/UDP h1;branch=z9hG4bK1',
    'X-A: 1',
    'From: <sip:a@b>;tag=1',
    'v: SIP/2.0/TCP h2;branch=z9hG4bK2',
    'm: <sip:c@d>',
    'Call-ID: c1',
    'Contact: <sip:e@f>, <sip:g@h>',
    'From: <sip:x@y>;tag=2',
    'CSeq: 1 INVITE',
    '',
    '',
  ].join('\r\n');

  test('gather every line of each, in order, whatever lies between them', () => {
    const msg = parseMessage(enc(text));
    expect(msg.headers.typed('call-id')).toEqual(['c1']);
    expect(msg.via.map((v) => v.host)).toEqual(['h1', 'h2']);
    expect(msg.headers.typed('from').map((f) => f.tag)).toEqual(['1', '2']);
    expect(msg.to).toBeUndefined();
    expect(msg.contact.map((c) => (c === '*' ? c : c.uri.toString()))).toEqual([
      'sip:c@d',
      'sip:e@f',
      'sip:g@h',
    ]);
    expect(msg.cseq?.seq).toBe(1);
  });

  test('follow changes made after a typed read', () => {
    const msg = parseMessage(enc(text));
    expect(msg.via).toHaveLength(2);
    expect(msg.contact).toHaveLength(3);
    msg.headers.prepend('Via', 'SIP/2.0/UDP h0;branch=z9hG4bK0');
    expect(msg.via.map((v) => v.host)).toEqual(['h0', 'h1', 'h2']);
    expect(msg.contact).toHaveLength(3);
    msg.headers.delete('contact');
    msg.headers.append('To', '<sip:t@u>');
    expect(msg.contact).toEqual([]);
    expect(msg.to?.uri.toString()).toBe('sip:t@u');
    msg.headers.set('from', '<sip:z@w>;tag=3');
    expect(msg.headers.typed('from').map((f) => f.tag)).toEqual(['3']);
  });

  test('read the same from a clone', () => {
    const msg = parseMessage(enc(text));
    expect(msg.via).toHaveLength(2);
    const copy = msg.headers.clone();
    expect(copy.typed('via').map(view)).toEqual(msg.via.map(view));
    expect(copy.typed('from').map(view)).toEqual(msg.headers.typed('from').map(view));
  });
});

describe('header spans of one message', () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  test('stay its own when more messages are parsed after it', () => {
    const first = parseMessage(
      enc('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: one\r\nX-A: 1\r\n\r\n'),
    );
    const second = parseMessage(enc('SIP/2.0 200 OK\r\nCall-ID: two\r\nv: SIP/2.0/TCP k\r\n\r\n'));
    expect(first.callId).toBe('one');
    expect(first.via.map((v) => v.host)).toEqual(['h']);
    expect([...first.headers.entries()]).toEqual([
      ['Via', 'SIP/2.0/UDP h;branch=z9hG4bK1'],
      ['Call-ID', 'one'],
      ['X-A', '1'],
    ]);
    expect(second.callId).toBe('two');
    expect(second.via.map((v) => v.transport)).toEqual(['TCP']);
  });

  test('hold more lines than the default limit when the limit is raised', () => {
    const lines = Array.from({ length: 600 }, (_, i) => `X-${i}: v${i}\r\n`).join('');
    const msg = parseMessage(enc(`OPTIONS sip:a@b SIP/2.0\r\n${lines}Call-ID: c\r\n\r\n`), {
      limits: { maxHeaders: 1000 },
    });
    expect(msg.headers.size).toBe(601);
    expect(msg.headers.get('x-599')).toBe('v599');
    expect(msg.callId).toBe('c');
  });
});
