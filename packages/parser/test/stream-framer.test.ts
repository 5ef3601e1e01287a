import { describe, expect, test } from 'vitest';
import { parseMessage, SipParseError, StreamFramer, type StreamItem } from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const msg = (n: number, body = '') =>
  `OPTIONS sip:a@b SIP/2.0\r\nCall-ID: ${n}\r\nContent-Length: ${enc(body).length}\r\n\r\n${body}`;
const callIds = (items: StreamItem[]) =>
  items.map((i) => (i.kind === 'message' ? parseMessage(i.bytes, { framing: 'stream' }).callId : i.kind));

describe('StreamFramer', () => {
  test('cuts several messages from one chunk, with bodies counted in bytes', () => {
    const f = new StreamFramer();
    expect(callIds(f.push(enc(msg(1, 'héllo') + msg(2) + msg(3, 'x'))))).toEqual(['1', '2', '3']);
    expect(f.pending).toBe(0);
  });

  test('joins a message split at every possible point', () => {
    const whole = enc(msg(7, 'body bytes'));
    for (let cut = 1; cut < whole.length; cut++) {
      const f = new StreamFramer();
      const first = f.push(whole.slice(0, cut));
      const second = f.push(whole.slice(cut));
      expect(callIds([...first, ...second])).toEqual(['7']);
    }
  });

  test('recognises RFC 5626 pings and pongs between messages', () => {
    const f = new StreamFramer();
    expect(callIds(f.push(enc(`\r\n\r\n${msg(1)}\r\n${msg(2)}`)))).toEqual(['ping', '1', 'pong', '2']);
    expect(callIds(f.push(enc('\r\n')))).toEqual(['pong']);
  });

  test('waits for the second half of a split ping', () => {
    const f = new StreamFramer();
    expect(f.push(enc('\r\n\r'))).toEqual([]);
    expect(callIds(f.push(enc('\n')))).toEqual(['ping']);
  });

  test('fails the stream on conflicting Content-Length headers, naming them (RFC 4475 3.3.9)', () => {
    const head = 'OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 13\r\nCall-ID: x\r\nl: 5\r\n\r\n';
    expect(() => new StreamFramer().push(enc(`${head}There's no way to know.\r\n\r\n`))).toThrow(
      'conflicting Content-Length headers',
    );
    // The same length twice frames as usual.
    const same = 'OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\nCall-ID: 9\r\nl: 2\r\n\r\nok';
    expect(new StreamFramer().push(enc(same + msg(10))).map((i) => i.kind)).toEqual(['message', 'message']);
  });

  test('fails the stream on missing Content-Length, stray CR or oversize', () => {
    expect(() => new StreamFramer().push(enc('OPTIONS sip:a@b SIP/2.0\r\n\r\n'))).toThrow(SipParseError);
    expect(() => new StreamFramer().push(enc('\rX'))).toThrow(SipParseError);
    const small = new StreamFramer({ maxMessageBytes: 64 });
    expect(() => small.push(enc(msg(1, 'x'.repeat(100))))).toThrow(/too large/);
    expect(() => small.push(enc(`OPTIONS sip:a@b SIP/2.0\r\nX: ${'y'.repeat(100)}`))).toThrow(/too large/);
  });
});
