import { describe, expect, test } from 'vitest';
import { bytesOf } from '../src/fast-scan.js';
import { hostEnd, hostWasIPv4 } from '../src/host.js';
import { callIdAt, parseCallId } from '../src/scalar-headers.js';

/**
 * The one-pass byte scanners that check grammar while they find an end (hostEnd, the Call-ID
 * check) against RFC 3261's rules written as regular expressions, over every short string of the
 * characters where their branches part.
 */

const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?\.?$/i;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const WORD = '[\\w\\-.!%*+`\'~()<>:\\\\"/[\\]?{}]+';
const CALL_ID = new RegExp(`^${WORD}(?:@${WORD})?$`);

/** Every string of 0 to `max` characters of `alphabet`. */
function* strings(alphabet: string, max: number): Generator<string> {
  let level = [''];
  for (let n = 0; n <= max; n++) {
    yield* level;
    level = level.flatMap((s) => [...alphabet].map((c) => s + c));
  }
}

describe('hostEnd', () => {
  const cases = [...strings('a1-.', 7), '1111.1.1.1', '1.1.1.1111', '1.1.1.1.1', '999.1.1.1', 'A-1.b2.C'];

  test('takes exactly the hostnames and IPv4addresses (strings of a, 1, - and . up to 7 long)', () => {
    for (const host of cases) {
      const end = hostEnd(bytesOf(host, 0, host.length), 0, host.length);
      const valid = HOSTNAME.test(host) || IPV4.test(host);
      expect(end === host.length, host).toBe(valid);
      if (valid) expect(hostWasIPv4, host).toBe(IPV4.test(host));
      // Refused: where it stops being one, a character of the host (0 for an empty one).
      else expect(-1 - end, host).toBeOneOf([...Array(Math.max(host.length, 1)).keys()]);
    }
  });

  test('stops at the first character that is no host character, inside a longer text', () => {
    const text = '<sip:10.0.0.1:5060>;x=sip.example.com;';
    const b = bytesOf(text, 0, text.length);
    expect(hostEnd(b, 5, text.length)).toBe(13);
    expect(hostWasIPv4).toBe(true);
    expect(hostEnd(b, 22, text.length)).toBe(37);
    expect(hostWasIPv4).toBe(false);
  });
});

describe('Call-ID check', () => {
  test('callIdAt and parseCallId take exactly word [ "@" word ] (strings of a, @, ; up to 6)', () => {
    for (const id of strings('a@;', 6)) {
      const ok = CALL_ID.test(id);
      expect(callIdAt(id, 0, id.length), id).toBe(ok ? id : undefined);
      if (ok) expect(parseCallId(id)).toBe(id);
      else expect(() => parseCallId(id), id).toThrow(/bad Call-ID/);
    }
  });
});
