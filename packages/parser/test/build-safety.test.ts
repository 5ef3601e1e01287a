import { describe, expect, test } from 'vitest';
import {
  createRequest,
  createResponse,
  Headers,
  NameAddr,
  Params,
  parseMessage,
  parseNameAddr,
  parseUri,
  quote,
  type SipRequest,
  SipUri,
  serialize,
  validateMessage,
} from '../src/index.js';
import { tortureBytes } from './conformance-data.js';
import { refusal } from './refusal.js';

/**
 * What the stack writes must read back as what it was given: a value that cannot (CR or LF in a
 * header value, a name or method that is not a token, ...) is refused when it is set, with the
 * SipParseError code the parser would give the bytes, so that no caller can write a second
 * header line into a message.
 */

const base = () =>
  createRequest({
    method: 'MESSAGE',
    uri: 'sip:bob@example.com',
    headers: [
      ['Via', 'SIP/2.0/UDP h;branch=z9hG4bK1'],
      ['From', '<sip:a@b>;tag=1'],
      ['To', '<sip:bob@example.com>'],
      ['Call-ID', 'c'],
      ['CSeq', '1 MESSAGE'],
    ],
    body: 'hi',
  });
const wire = (m: Parameters<typeof serialize>[0]) => new TextDecoder().decode(serialize(m));

describe('quote', () => {
  test('writes control characters as quoted-pairs that read back', () => {
    const text = 'BEL:\x07 NUL:\x00 DEL:\x7f tab:\t "q" \\ é';
    expect(quote(text)).toBe('"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f tab:\t \\"q\\" \\\\ é"');
    expect(parseNameAddr(`${quote(text)} <sip:a@b>`).displayName).toBe(text);
  });

  test('refuses CR and LF, which no quoted-pair can carry', () => {
    expect(refusal(() => quote('Alice\r\nRoute: <sip:evil>'))).toEqual({ code: 'BAD_VALUE', position: 5 });
    expect(refusal(() => quote('a\nb'))).toMatchObject({ code: 'BAD_VALUE', position: 1 });
  });
});

describe('Headers refuse a line that would not read back as one header', () => {
  test.each(['append', 'set', 'prepend'] as const)(
    '%s: CR or LF in the value, a name that is not a token',
    (op) => {
      const m = base();
      const before = wire(m);
      expect(refusal(() => m.headers[op]('Subject', 'hello\r\nContact: <sip:evil@attacker>'))).toEqual({
        code: 'BAD_VALUE',
        position: 5,
        header: 'subject',
      });
      expect(refusal(() => m.headers[op]('Subject', 'hello\nX: 1'))).toMatchObject({ position: 5 });
      expect(refusal(() => m.headers[op]('X: y\r\nZ', 'w'))).toMatchObject({
        code: 'BAD_HEADER',
        position: 1,
      });
      expect(refusal(() => m.headers[op]('', 'w'))).toMatchObject({ code: 'BAD_HEADER' });
      expect(refusal(() => m.headers[op]('Bad Name', 'w'))).toMatchObject({
        code: 'BAD_HEADER',
        position: 3,
      });
      expect(wire(m)).toBe(before);
    },
  );

  test('a typed value whose text would break the line: display name, parameter value', () => {
    const m = base();
    const from = parseNameAddr('<sip:a@b>;tag=1');
    from.displayName = 'Alice\r\nRoute: <sip:evil>';
    expect(refusal(() => m.headers.set('From', from))).toMatchObject({ code: 'BAD_VALUE' });
    const to = parseNameAddr('<sip:bob@example.com>');
    to.params.set('x', 'v\r\nX-Injected: 1');
    expect(refusal(() => m.headers.set('To', to))).toMatchObject({ code: 'BAD_VALUE' });
    // Even written unquoted on purpose, the line check refuses it.
    to.params.set('x', 'v\r\nX-Injected: 1', false);
    expect(refusal(() => m.headers.set('To', to))).toMatchObject({ code: 'BAD_VALUE', header: 'to' });
    expect(parseMessage(serialize(m)).headers.has('x-injected')).toBe(false);
  });

  test('a parameter name that is not a token: refused when set, so no second parameter reads back', () => {
    const to = parseNameAddr('<sip:bob@example.com>');
    for (const name of ['x;tag', 'rport;received', 'a=b', 'a b', '', 'x>', 'x,y'])
      expect(
        refusal(() => to.params.set(name, 'evil')),
        name,
      ).toMatchObject({ code: 'BAD_VALUE' });
    expect(
      refusal(() => (parseUri('sip:p.example.com') as SipUri).params.set('lr;maddr', null)),
    ).toMatchObject({
      code: 'BAD_VALUE',
    });
    expect(to.toString()).toBe('<sip:bob@example.com>');
    to.params.set('x-ok.1', 'v');
    expect(parseNameAddr(to.toString()).params.get('x-ok.1')).toBe('v');
  });

  test('control characters other than CR and LF stay in a raw value and read back', () => {
    const h = new Headers().append('X-Odd', 'a\x00b\x07c\x7f');
    const m = base();
    m.headers.append('X-Odd', h.get('x-odd')!);
    expect(parseMessage(serialize(m)).headers.get('x-odd')).toBe('a\x00b\x07c\x7f');
  });
});

describe('start lines', () => {
  test('createRequest refuses a method that is not a token or a URI with white space', () => {
    expect(refusal(() => createRequest({ method: 'IN VITE', uri: 'sip:a@b' }))).toEqual({
      code: 'BAD_METHOD',
      position: 2,
    });
    expect(refusal(() => createRequest({ method: '', uri: 'sip:a@b' }))).toEqual({
      code: 'BAD_METHOD',
      position: 0,
    });
    expect(refusal(() => createRequest({ method: 'INVITE\r\nX: 1', uri: 'sip:a@b' }))).toMatchObject({
      code: 'BAD_METHOD',
    });
    expect(
      refusal(() => createRequest({ method: 'INVITE', uri: new SipUri('sip', 'evil\r\nX-Injected: 1') })),
    ).toEqual({ code: 'BAD_URI', position: 15 });
  });

  test('createResponse refuses a control character in the reason, a To tag that is not a token', () => {
    expect(refusal(() => createResponse(base(), 200, { reason: 'OK\r\nX-R: 1' }))).toEqual({
      code: 'BAD_START_LINE',
      position: 14,
    });
    expect(refusal(() => createResponse(base(), 200, { reason: 'O\x01K' }))).toMatchObject({
      code: 'BAD_START_LINE',
    });
    expect(createResponse(base(), 200, { reason: 'O\tK' }).reason).toBe('O\tK');
    expect(refusal(() => createResponse(base(), 200, { toTag: 'a\r\nX: 1' }))).toEqual({
      code: 'BAD_VALUE',
      position: 1,
      header: 'to',
    });
  });

  test('createResponse refuses a status code outside 100 to 699 or not an integer', () => {
    // RFC 3261 section 7.2 and 25.1: Status-Code is 3DIGIT and its first digit one of 1 to 6.
    for (const status of [99, 700, 0, -200, 200.5, 1e3, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        refusal(() => createResponse(base(), status)),
        String(status),
      ).toEqual({
        code: 'BAD_STATUS',
        position: 8,
      });
    }
    expect(() => createResponse(base(), 699)).not.toThrow();
    expect(parseMessage(serialize(createResponse(base(), 100))).kind).toBe('response');
  });

  test('serialize refuses a start line changed after building', () => {
    const request = base();
    request.method = 'IN VITE';
    expect(refusal(() => serialize(request))).toMatchObject({ code: 'BAD_METHOD' });
    const response = createResponse(base(), 200);
    response.reason = 'OK\r\nX: 1';
    expect(refusal(() => serialize(response))).toMatchObject({ code: 'BAD_START_LINE' });
    response.reason = 'OK';
    response.status = 1000;
    expect(refusal(() => serialize(response))).toMatchObject({ code: 'BAD_STATUS' });
    const moved = base();
    moved.uri = new SipUri('sip', 'b c');
    expect(refusal(() => serialize(moved))).toMatchObject({ code: 'BAD_URI', position: 13 });
  });
});

describe('round trips of what parses', () => {
  test('RFC 4475 intmeth: a response to it reads back, control characters of the To display name included', () => {
    const request = parseMessage(tortureBytes('intmeth')) as SipRequest;
    const response = createResponse(request, 200, { toTag: 'abc' });
    const again = parseMessage(serialize(response));
    expect(validateMessage(again)).toBeUndefined();
    expect(again.to?.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(again.to?.tag).toBe('abc');
    expect(String(again.to?.uri)).toBe(String(request.to?.uri));
  });

  test('a NameAddr, an AuthValue-style quoted parameter and a URI parameter keep what they hold', () => {
    const na = new NameAddr(parseUri('sip:x@y'), 'a\x07b', new Params().set('n', 'q\x00"r'));
    const again = parseNameAddr(String(na));
    expect(again.displayName).toBe('a\x07b');
    expect(again.params.get('n')).toBe('q\x00"r');
    const uri = parseUri('sip:x@y') as SipUri;
    uri.params.set('p', 'line\r\nbreak');
    expect((parseUri(String(uri)) as SipUri).params.get('p')).toBe('line\r\nbreak');
  });
});
