import { describe, expect, test } from 'vitest';
import {
  createRequest,
  HEADER_PARSERS,
  type KnownHeader,
  NameAddr,
  Params,
  parseMessage,
  parseUri,
  SipUri,
  serialize,
  Via,
  validateMessage,
} from '../src/index.js';
import { refusal } from './refusal.js';

/**
 * Values RFC 3261's grammar (section 25) refuses are refused on typed access, with the same
 * code and position whether a fast path or the string-level parser reads them, and a message
 * holding one is refused by validateMessage (so a server answers 400).
 */

const enc = (s: string) => new TextEncoder().encode(s);
const BASE: Record<string, string> = {
  Via: 'SIP/2.0/UDP h.example.com;branch=z9hG4bK1',
  From: '<sip:a@b.example>;tag=1',
  To: '<sip:c@d.example>',
  'Call-ID': 'abc@h',
  CSeq: '1 OPTIONS',
};
const KEYS: Record<string, KnownHeader> = {
  Via: 'via',
  From: 'from',
  To: 'to',
  'Call-ID': 'call-id',
  CSeq: 'cseq',
  Date: 'date',
};

/** The refusal of `name: value` by the string parser, the parsed message and validateMessage. */
function refused(name: string, value: string) {
  const key = KEYS[name]!;
  const direct = refusal(() => HEADER_PARSERS[key](value, key));
  const lines = Object.entries({ ...BASE, [name]: value }).map(([k, v]) => `${k}: ${v}\r\n`);
  const msg = parseMessage(enc(`OPTIONS sip:c@d.example SIP/2.0\r\n${lines.join('')}\r\n`));
  expect(
    refusal(() => msg.headers.typed(key)),
    `${name}: ${value}`,
  ).toEqual(direct);
  expect(validateMessage(msg)?.status).toBe(400);
  return direct;
}

/** The typed value of `name: value` read from a parsed message, which validateMessage accepts. */
function accepted(name: string, value: string) {
  const lines = Object.entries({ ...BASE, [name]: value }).map(([k, v]) => `${k}: ${v}\r\n`);
  const msg = parseMessage(enc(`OPTIONS sip:c@d.example SIP/2.0\r\n${lines.join('')}\r\n`));
  expect(validateMessage(msg), `${name}: ${value}`).toBeUndefined();
  return msg.headers.typed(KEYS[name]!)[0];
}

describe('hosts: hostname, IPv4address or IPv6 reference', () => {
  test.each(['-', '..', 'a..b', '-a.com', 'a-.com', '.a.com', '1.2.3', 'host.123', '1.2.3.4.', 'a.-b'])(
    '%s is refused in a URI, a Via sent-by and maddr',
    (host) => {
      expect(refused('From', `<sip:a@${host}>;tag=1`)).toMatchObject({ code: 'BAD_URI', header: 'from' });
      expect(refused('Via', `SIP/2.0/UDP ${host};branch=z9hG4bK1`)).toMatchObject({ code: 'BAD_VALUE' });
      expect(refused('Via', `SIP/2.0/UDP h;branch=z9hG4bK1;maddr=${host}`)).toMatchObject({
        code: 'BAD_VALUE',
      });
      expect(refusal(() => parseMessage(enc(`OPTIONS sip:a@${host} SIP/2.0\r\n\r\n`)))).toMatchObject({
        code: 'BAD_URI',
      });
    },
  );

  test('the position is where the host stops being one', () => {
    expect(refusal(() => parseUri('sip:a@a-.com'))).toEqual({ code: 'BAD_URI', position: 7 });
    expect(refusal(() => parseUri('sip:a@a..b'))).toEqual({ code: 'BAD_URI', position: 8 });
    expect(refusal(() => parseUri('sip:a@x.1b'))).toEqual({ code: 'BAD_URI', position: 8 });
    expect(refused('Via', 'SIP/2.0/UDP -x;branch=z9hG4bK1')).toEqual({
      code: 'BAD_VALUE',
      position: 12,
      header: 'via',
    });
  });

  test.each(['example.com', 'example.com.', 'a', 'x-1.y2', '999.1.1.1', '192.0.2.1', 'a1.b-c.d9', '[::1]'])(
    '%s is accepted',
    (host) => {
      expect((accepted('From', `<sip:a@${host}>;tag=1`) as NameAddr).uri).toMatchObject({ host });
      expect((accepted('Via', `SIP/2.0/UDP ${host};branch=z9hG4bK1;maddr=${host}`) as Via).maddr).toBe(host);
    },
  );
});

describe('Via parameters', () => {
  test.each([
    ['received=not-an-ip', 'bad received'],
    ['received=1.2.3', 'bad received'],
    ['received="1.2.3.4"', 'bad received'],
    ['received', 'bad received'],
    ['maddr=[zz]', 'bad maddr'],
    ['branch=z9hG4bK:[1]', 'bad branch'],
    ['branch="z9hG4bK1"', 'bad branch'],
    ['ttl="1"', 'bad ttl'],
  ])('%s is refused', (param, message) => {
    const value = `SIP/2.0/UDP h;rport;${param}`;
    expect(refused('Via', value)).toEqual({ code: 'BAD_VALUE', position: value.length, header: 'via' });
    expect(() => HEADER_PARSERS.via(value, 'via')).toThrow(message);
  });

  test.each(['1.2.3.4', '2001:db8::1', '[2001:db8::1]', '::ffff:192.0.2.1'])(
    'received=%s is accepted',
    (ip) => {
      expect((accepted('Via', `SIP/2.0/UDP h;branch=z9hG4bK1;received=${ip}`) as Via).received).toBe(ip);
    },
  );

  test('the sent-protocol and the sent-by need white space between them', () => {
    expect(refused('Via', 'SIP/2.0/UDP[::1];branch=z9hG4bK1')).toEqual({
      code: 'BAD_VALUE',
      position: 11,
      header: 'via',
    });
    expect((accepted('Via', 'SIP / 2.0 / UDP\t[::1]:5060;branch=z9hG4bK1') as Via).host).toBe('[::1]');
  });
});

describe('From and To tags are tokens', () => {
  test.each(['a:b]', '"1"', '', '[::1]'])('tag=%s is refused', (tag) => {
    const value = `<sip:a@b.example>;tag=${tag}`;
    expect(refused('From', value)).toMatchObject({ code: 'BAD_VALUE', header: 'from' });
    expect(refused('To', value)).toMatchObject({ code: 'BAD_VALUE', header: 'to' });
  });

  test('a tag without a value is refused, a tag in a Contact is any parameter', () => {
    expect(refused('To', '<sip:a@b>;tag')).toEqual({ code: 'BAD_VALUE', position: 13, header: 'to' });
    const contact = HEADER_PARSERS.contact('<sip:a@b>;tag="x y"', 'contact')[0] as NameAddr;
    expect(contact.tag).toBe('x y');
  });
});

describe('Call-ID: word [ "@" word ]', () => {
  test.each([
    ['a;b', 1],
    ['a,b', 1],
    ['a@b@c', 3],
    ['=&#|^', 0],
    ['@a', 0],
    ['a@', 2],
    ['a b', 1],
    ['caf\u00e9', 3],
  ])('%s is refused at %i', (value, position) => {
    expect(refused('Call-ID', value)).toEqual({ code: 'BAD_VALUE', position, header: 'call-id' });
  });

  test('every word character is accepted (RFC 4475 intmeth)', () => {
    const id = 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{';
    expect(accepted('Call-ID', id)).toBe(id);
    expect(accepted('Call-ID', ' a@b ')).toBe('a@b');
  });
});

describe('CSeq', () => {
  test('needs white space between number and method', () => {
    expect(refused('CSeq', '1OPTIONS')).toEqual({ code: 'BAD_VALUE', position: 1, header: 'cseq' });
    expect(accepted('CSeq', '1\tOPTIONS')).toMatchObject({ seq: 1, method: 'OPTIONS' });
  });
});

describe('Date (RFC 1123 in GMT)', () => {
  test.each([
    'Mon, 31 Feb 2000 10:00:00 GMT',
    'Mon, 00 Jan 2000 10:00:00 GMT',
    'Mon, 29 Feb 2001 10:00:00 GMT',
    'Mon, 01 Jan 2000 25:00:00 GMT',
    'Mon, 01 Jan 2000 24:00:00 GMT',
    'Mon, 01 Jan 2000 10:60:00 GMT',
    'Mon, 01 Jan 2000 10:00:60 GMT',
    'Mon, 01 Foo 2000 10:00:00 GMT',
  ])('%s is refused', (date) => {
    expect(refused('Date', date)).toEqual({ code: 'BAD_VALUE', position: 0, header: 'date' });
  });

  test('a day the month has, the last second of a day, a year before 100 are read as written', () => {
    expect(accepted('Date', 'Tue, 29 Feb 2000 23:59:59 GMT')).toEqual(
      new Date(Date.UTC(2000, 1, 29, 23, 59, 59)),
    );
    expect((accepted('Date', 'Sat, 01 Jan 0099 00:00:00 GMT') as Date).getUTCFullYear()).toBe(99);
  });
});

describe('building refuses a host that is not one', () => {
  test('in a header URI, when the header is set', () => {
    const to = new NameAddr(new SipUri('sip', 'example.com>;tag=evil', 'bob'));
    expect(
      refusal(() => createRequest({ method: 'OPTIONS', uri: 'sip:a@b', headers: [['To', to]] })),
    ).toEqual({
      code: 'BAD_URI',
      position: 19,
    });
    expect(refusal(() => String(new SipUri('sip', 'a..b')))).toEqual({ code: 'BAD_URI', position: 6 });
  });

  test('in a Request-URI or Via, when serialised', () => {
    const m = createRequest({
      method: 'OPTIONS',
      uri: 'sip:a@b',
      headers: [['Via', 'SIP/2.0/UDP h;branch=z9hG4bK1']],
    });
    m.uri = new SipUri('sip', '-x');
    expect(refusal(() => serialize(m))).toEqual({ code: 'BAD_URI', position: 12 });
    const via = new Via('UDP', 'h;branch=evil', undefined, new Params().set('branch', 'z9hG4bK1'));
    expect(refusal(() => m.headers.set('Via', via))).toEqual({ code: 'BAD_VALUE', position: 13 });
    expect(String(new Via('UDP', '[::1]', 5060))).toBe('SIP/2.0/UDP [::1]:5060');
  });
});
