import { describe, expect, test, vi } from 'vitest';
import { parseMessage, SipParseError, StreamFramer, type StreamItem } from '../src/index.js';
import { tortureBytes } from './conformance-data.js';
import { parseErrorOf } from './refusal.js';

/** Counts the bytes the framer asks findHeaderEnd to search: from where it starts to where it stops. */
const scan = vi.hoisted(() => ({ searched: 0 }));
vi.mock(import('../src/parse.js'), async (original) => {
  const parse = await original();
  return {
    ...parse,
    findHeaderEnd: (bytes: Uint8Array, from = 0) => {
      const end = parse.findHeaderEnd(bytes, from);
      scan.searched += (end < 0 ? bytes.length : end + 4) - from;
      return end;
    },
  };
});

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
    expect(callIds(f.push(enc('\r\n\r\n\r\n')))).toEqual(['ping']);
    expect(callIds(f.push(enc(msg(3))))).toEqual(['pong', '3']);
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

  test('a ping cut after its first CRLF is one ping, not two pongs', () => {
    const f = new StreamFramer();
    expect(f.push(enc('\r\n'))).toEqual([]);
    expect(f.pending).toBe(2);
    expect(callIds(f.push(enc('\r\n')))).toEqual(['ping']);
    expect(f.pending).toBe(0);
    expect(f.push(enc('\r'))).toEqual([]);
    expect(callIds(f.push(enc('\n\r\n')))).toEqual(['ping']);
  });

  test('an end that sends pings hears a lone CRLF as a pong at once', () => {
    const f = new StreamFramer({}, { pinging: true });
    expect(callIds(f.push(enc('\r\n')))).toEqual(['pong']);
    expect(callIds(f.push(enc('\r\n')))).toEqual(['pong']);
    expect(callIds(f.push(enc(`\r\n\r\n${msg(1)}\r\n`)))).toEqual(['ping', '1', 'pong']);
  });

  test('keep-alives and messages cut anywhere give the same items', () => {
    const whole = enc(`\r\n\r\n${msg(1, 'x')}\r\n${msg(2)}\r\n\r\n\r\n${msg(3)}`);
    const expected = ['ping', '1', 'pong', '2', 'ping', 'pong', '3'];
    for (let a = 1; a < whole.length; a++) {
      for (const b of [a + 1, a + 7, whole.length]) {
        const f = new StreamFramer();
        const items = [whole.subarray(0, a), whole.subarray(a, b), whole.subarray(b)].flatMap((c) =>
          callIds(f.push(c)),
        );
        expect(items, `cut at ${a} and ${b}`).toEqual(expected);
      }
    }
  });

  test('reads Content-Length as the parser does: folded, compact, conflicting', () => {
    const folded = 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: f\r\nContent-Length:\r\n 3\r\n\r\nabc';
    expect(parseMessage(enc(folded), { framing: 'stream' }).bodyText).toBe('abc');
    expect(callIds(new StreamFramer().push(enc(folded + msg(2))))).toEqual(['f', '2']);
    const compact = 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: c\r\nL : 2\r\n\r\nab';
    expect(callIds(new StreamFramer().push(enc(compact)))).toEqual(['c']);
    const conflicting = 'OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab';
    expect(() => parseMessage(enc(conflicting), { framing: 'stream' })).toThrow(/conflicting/);
    expect(() => new StreamFramer().push(enc(conflicting))).toThrow(/conflicting/);
  });

  test('refuses a negative or non-numeric Content-Length as invalid, as the parser does (RFC 4475 3.1.2.3)', () => {
    /** The code, message and header of the SipParseError `f` throws. */
    const error = (f: () => unknown) => {
      const { code, message, header } = parseErrorOf(f);
      return { code, message, header };
    };
    const ncl = tortureBytes('ncl');
    expect(error(() => new StreamFramer().push(ncl))).toEqual({
      code: 'BAD_CONTENT_LENGTH',
      message: "content-length: bad Content-Length '-999'",
      header: 'content-length',
    });
    expect(error(() => new StreamFramer().push(ncl))).toEqual(
      error(() => parseMessage(ncl, { framing: 'stream' })),
    );
    const words = 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: w\r\nl: ten \r\n\r\n';
    expect(error(() => new StreamFramer().push(enc(words)))).toMatchObject({
      message: "content-length: bad Content-Length 'ten'",
    });
  });

  test('finds Content-Length lines as the parser does: a bare CR does not start a line', () => {
    const next = 'OPTIONS sip:b@h SIP/2.0\r\nCall-ID: second\r\nContent-Length: 0\r\n\r\n';
    // The Content-Length hidden behind a bare CR would swallow the next message.
    const hidden = `OPTIONS sip:a@h SIP/2.0\r\nX-A: a\rContent-Length: ${next.length}\r\nCall-ID: first\r\n\r\n`;
    expect(() => new StreamFramer().push(enc(hidden + next))).toThrow(/Content-Length required/);
    // With a real one as well, the first message ends where that one says; the parser refuses
    // it, and the next one is read in step.
    const both = hidden.replace('Call-ID: first', 'Call-ID: first\r\nl: 0');
    const items = new StreamFramer().push(enc(both + next));
    expect(items).toHaveLength(2);
    const [first, second] = items.map((i) => (i.kind === 'message' ? i.bytes : new Uint8Array()));
    expect(() => parseMessage(first!, { framing: 'stream' })).toThrow(SipParseError);
    expect(parseMessage(second!, { framing: 'stream' }).callId).toBe('second');
  });

  test('a Content-Length value of 60,000 spaces is refused as one pass over it, not a backtracking search', () => {
    // A lazy-match expression took 12.7 s over this header section (and 40 s for `l:`), with
    // the event loop stopped: a test timeout catches a return of that.
    for (const name of ['Content-Length', 'l']) {
      const text = `OPTIONS sip:a@h SIP/2.0\r\n${name}: 1${' '.repeat(60_000)}x\r\n\r\n`;
      expect(() => new StreamFramer({ maxMessageBytes: 100_000 }).push(enc(text))).toThrow(
        expect.objectContaining({ code: 'BAD_CONTENT_LENGTH' }),
      );
    }
  });

  test('a header dripped one byte at a time is scanned once, not once per byte', () => {
    // Work is counted, not timed: the bytes handed to findHeaderEnd to search, and the bytes
    // copied. Searching or copying all the held bytes again on every push (what this guards
    // against) makes both grow with the square of the header's length.
    const typed = Object.getPrototypeOf(Uint8Array.prototype) as Uint8Array;
    const set = vi.spyOn(typed, 'set');
    const copyWithin = vi.spyOn(typed, 'copyWithin');
    const slice = vi.spyOn(typed, 'slice');
    const work = (n: number) => {
      const big = enc(`OPTIONS sip:a@b SIP/2.0\r\nCall-ID: big\r\nX: ${'a'.repeat(n)}\r\nl: 2\r\n\r\nok`);
      const f = new StreamFramer({ maxMessageBytes: 200_000 });
      const items: StreamItem[] = [];
      scan.searched = 0;
      for (const spy of [set, copyWithin, slice]) spy.mockClear();
      for (let i = 0; i < big.length; i++) items.push(...f.push(big.subarray(i, i + 1)));
      expect(items).toHaveLength(1);
      const item = items[0]!;
      expect(item.kind === 'message' && Buffer.from(item.bytes).equals(big)).toBe(true);
      expect(f.pending).toBe(0);
      const copied =
        set.mock.calls.reduce((sum, [from]) => sum + (from as ArrayLike<number>).length, 0) +
        copyWithin.mock.calls.reduce((sum, [, from, to]) => sum + (to ?? big.length) - from, 0) +
        slice.mock.calls.reduce((sum, [from = 0, to = big.length]) => sum + to - from, 0);
      return { searched: scan.searched, copied };
    };
    try {
      const small = work(20_000);
      const large = work(80_000);
      expect(small.searched).toBeGreaterThan(20_000);
      expect(small.copied).toBeGreaterThan(20_000);
      expect(large.searched).toBeLessThanOrEqual(5 * small.searched);
      expect(large.copied).toBeLessThanOrEqual(5 * small.copied);
    } finally {
      for (const spy of [set, copyWithin, slice]) spy.mockRestore();
    }
  });

  test('holds only what it must, as copies: the chunks given can be reused', () => {
    const f = new StreamFramer();
    const chunk = enc(`${msg(1)}${msg(2).slice(0, 20)}`);
    expect(callIds(f.push(chunk))).toEqual(['1']);
    chunk.fill(0);
    expect(callIds(f.push(enc(msg(2).slice(20))))).toEqual(['2']);
  });

  test('fails the stream on missing Content-Length, stray CR or oversize', () => {
    expect(() => new StreamFramer().push(enc('OPTIONS sip:a@b SIP/2.0\r\n\r\n'))).toThrow(SipParseError);
    expect(() => new StreamFramer().push(enc('\rX'))).toThrow(SipParseError);
    const small = new StreamFramer({ maxMessageBytes: 64 });
    expect(() => small.push(enc(msg(1, 'x'.repeat(100))))).toThrow(/too large/);
    expect(() => small.push(enc(`OPTIONS sip:a@b SIP/2.0\r\nX: ${'y'.repeat(100)}`))).toThrow(/too large/);
  });
});
