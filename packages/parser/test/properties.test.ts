import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createRequest,
  createResponse,
  isKnownHeader,
  NameAddr,
  Params,
  parseMessage,
  parseNameAddr,
  quote,
  type SipMessage,
  SipParseError,
  SipUri,
  StreamFramer,
  serialize,
  validateMessage,
} from '../src/index.js';
import { SHARED } from './conformance-data.js';
import { refusal } from './refusal.js';

const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";
const token = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });
const lowerWord = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
  minLength: 1,
  maxLength: 10,
});
/** A hostname's last label starts with a letter (RFC 3261 toplabel). */
const topLabel = fc
  .tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), fc.option(lowerWord, { nil: '' }))
  .map(([a, b]) => a + b);
const host = fc.oneof(
  fc.tuple(fc.array(lowerWord, { maxLength: 2 }), topLabel).map(([p, top]) => [...p, top].join('.')),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
);
/** Any text, including escapes' worth of odd characters, for URI users (stored decoded). */
const userText = fc.string({ minLength: 1, maxLength: 12 });
const uriParams = fc.array(fc.tuple(lowerWord, fc.option(lowerWord, { nil: null })), { maxLength: 3 });

const sipUri = fc
  .record({
    scheme: fc.constantFrom('sip' as const, 'sips' as const),
    user: fc.option(userText, { nil: undefined }),
    host,
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    params: uriParams,
  })
  .map(
    ({ scheme, user, host, port, params }) =>
      new SipUri(scheme, host, user, port, new Params(params.map(([name, value]) => ({ name, value })))),
  );

/** One character of any kind: ASCII and Latin-1 control characters included, now and then one beyond. */
const anyChar = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 },
);
/** Any text that a header line can carry: everything but CR and LF. */
const lineText = (maxLength: number) =>
  fc.string({ unit: anyChar.filter((c) => c !== '\r' && c !== '\n'), maxLength });
/** Text with at least one CR or LF in it. */
const brokenText = fc
  .tuple(lineText(8), fc.constantFrom('\r', '\n', '\r\n'), lineText(8))
  .map(([a, br, b]) => a + br + b);

const displayName = fc.option(lineText(10), { nil: undefined });
const nameAddr = fc
  .tuple(displayName, sipUri, fc.option(token, { nil: undefined }))
  .map(([dn, uri, tag]) => new NameAddr(uri, dn, tag ? new Params().set('tag', tag) : undefined));
const via = fc
  .tuple(
    fc.constantFrom('UDP', 'TCP', 'TLS', 'WS', 'WSS'),
    host,
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    token,
  )
  .map(([t, h, p, b]) => `SIP/2.0/${t} ${h}${p === undefined ? '' : `:${p}`};branch=z9hG4bK${b};rport`);
const extension = fc.tuple(
  token.map((t) => `X-${t}`),
  // Header values are read without the white space around them.
  lineText(20).map((s) => s.replace(/^[ \t]+|[ \t]+$/g, '')),
);

const message: fc.Arbitrary<SipMessage> = fc
  .record({
    method: token,
    ruri: sipUri,
    vias: fc.array(via, { minLength: 1, maxLength: 4 }),
    from: nameAddr,
    to: nameAddr,
    callId: token,
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    contacts: fc.array(nameAddr, { maxLength: 3 }),
    extensions: fc.array(extension, { maxLength: 4 }),
    body: fc.uint8Array({ maxLength: 64 }),
    status: fc.option(fc.integer({ min: 100, max: 699 }), { nil: undefined }),
  })
  .map((r) => {
    const req = createRequest({
      method: r.method,
      uri: r.ruri,
      headers: [
        ...r.vias.map((v): [string, string] => ['Via', v]),
        ['From', String(r.from)],
        ['To', String(r.to)],
        ['Call-ID', r.callId],
        ['CSeq', `${r.seq} ${r.method}`],
        ['Max-Forwards', '70'],
        ...r.contacts.map((c): [string, string] => ['Contact', String(c)]),
        ...r.extensions,
      ],
      body: r.body,
    });
    return r.status === undefined ? req : createResponse(req, r.status, { body: r.body });
  });

/** Everything a user could ask a parsed message for, so lazy parsing runs in full. */
function touchEverything(m: SipMessage): void {
  validateMessage(m);
  for (const [name] of m.headers.entries()) {
    const key = name.toLowerCase();
    if (isKnownHeader(key)) {
      try {
        m.headers.typed(key);
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
      }
    }
  }
}

/** Parses and touches; anything thrown that is not a SipParseError fails the property. */
function parsesSafely(bytes: Uint8Array): void {
  try {
    touchEverything(parseMessage(bytes));
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
  }
}

const corpus = readdirSync(new URL('conformance/rfc4475/', SHARED))
  .filter((f) => f.endsWith('.dat'))
  .map((f) => new Uint8Array(readFileSync(new URL(`conformance/rfc4475/${f}`, SHARED))));

describe('properties', () => {
  test('parse(serialise(m)) gives back m', () => {
    fc.assert(
      fc.property(message, (m) => {
        const again = parseMessage(serialize(m));
        expect(again.kind).toBe(m.kind);
        if (m.kind === 'request' && again.kind === 'request') {
          expect(again.method).toBe(m.method);
          expect(String(again.uri)).toBe(String(m.uri));
        }
        if (m.kind === 'response' && again.kind === 'response') expect(again.status).toBe(m.status);
        expect([...again.headers.entries()].filter(([n]) => n !== 'Content-Length')).toEqual([
          ...m.headers.entries(),
        ]);
        expect(again.body).toEqual(m.body);
        expect(validateMessage(again)).toBeUndefined();
        expect(again.via.map(String)).toEqual(m.via.map(String));
        expect(again.from?.uri.toString()).toBe(m.from?.uri.toString());
        // Display names keep every character they were given, control characters included.
        expect(again.from?.displayName).toBe(m.from?.displayName);
        expect(again.to?.displayName).toBe(m.to?.displayName);
        expect(again.contact.map((c) => c !== '*' && c.displayName)).toEqual(
          m.contact.map((c) => c !== '*' && c.displayName),
        );
        expect(again.contact.map(String)).toEqual(m.contact.map(String));
        // The typed values survive their own serialisation too.
        for (const c of again.contact) if (c !== '*') expect(String(c.uri)).toBe(String(c.uri.toString()));
      }),
      { numRuns: 300 },
    );
  });

  test('a name-addr keeps any display name and parameter value a header line can carry', () => {
    fc.assert(
      fc.property(nameAddr, lineText(12), (na, value) => {
        na.params.set('x', value);
        const m = createRequest({ method: 'OPTIONS', uri: 'sip:a@b', headers: [['To', na]] });
        for (const again of [parseNameAddr(String(na)), parseMessage(serialize(m)).to!]) {
          expect(again.displayName).toBe(na.displayName);
          expect(again.params.get('x')).toBe(value);
          expect(again.tag).toBe(na.tag);
          expect(String(again.uri)).toBe(String(na.uri));
        }
      }),
      { numRuns: 500 },
    );
  });

  test('text that would break a header line is refused where it is given, with the typed error', () => {
    fc.assert(
      fc.property(brokenText, (text) => {
        const at = text.search(/[\r\n]/);
        const m = createRequest({ method: 'OPTIONS', uri: 'sip:a@b' });
        for (const op of ['append', 'set', 'prepend'] as const) {
          expect(refusal(() => m.headers[op]('X-Text', text))).toEqual({
            code: 'BAD_VALUE',
            position: at,
            header: 'x-text',
          });
          expect(refusal(() => m.headers[op](text, 'v'))).toMatchObject({ code: 'BAD_HEADER' });
        }
        expect(m.headers.size).toBe(0);
        expect(refusal(() => quote(text))).toMatchObject({ code: 'BAD_VALUE', position: at });
        const to = new NameAddr(new SipUri('sip', 'b'), text);
        expect(refusal(() => m.headers.set('To', to))).toMatchObject({ code: 'BAD_VALUE' });
        expect(refusal(() => createResponse(m, 200, { reason: text }))).toMatchObject({
          code: 'BAD_START_LINE',
        });
        expect(refusal(() => createRequest({ method: text, uri: 'sip:a@b' }))).toMatchObject({
          code: 'BAD_METHOD',
        });
      }),
      { numRuns: 300 },
    );
  });

  test('arbitrary bytes only ever give SipParseError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), parsesSafely), { numRuns: 2000 });
  });

  test('arbitrary header text only ever gives SipParseError', () => {
    const text = fc.string({ unit: fc.constantFrom(...'<>"\\;,:=@?&%[]/ \tsip:aA1\r\n'), maxLength: 60 });
    const header = fc.tuple(
      fc.constantFrom(
        'Via',
        'From',
        'To',
        'Contact',
        'CSeq',
        'Route',
        'Authorization',
        'Max-Forwards',
        'Content-Type',
        'RAck',
        'Date',
        'Warning',
        'Replaces',
      ),
      text,
    );
    fc.assert(
      fc.property(fc.array(header, { minLength: 1, maxLength: 6 }), (headers) => {
        const head = headers.map(([n, v]) => `${n}: ${v.replace(/\r\n(?![ \t])/g, '\r\n ')}`).join('\r\n');
        parsesSafely(new TextEncoder().encode(`OPTIONS sip:a@b SIP/2.0\r\n${head}\r\n\r\n`));
      }),
      { numRuns: 2000 },
    );
  });

  test('mutations of the torture corpus only ever give SipParseError', () => {
    const mutation = fc.record({
      which: fc.nat({ max: corpus.length - 1 }),
      edits: fc.array(
        fc.tuple(
          fc.nat(),
          fc.constantFrom('flip', 'delete', 'insert', 'truncate'),
          fc.integer({ min: 0, max: 255 }),
        ),
        {
          minLength: 1,
          maxLength: 5,
        },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ which, edits }) => {
        let bytes = Array.from(corpus[which]!);
        for (const [at, op, value] of edits) {
          const i = at % Math.max(1, bytes.length);
          if (op === 'flip') bytes[i] = value;
          else if (op === 'delete') bytes.splice(i, 1);
          else if (op === 'insert') bytes.splice(i, 0, value);
          else bytes = bytes.slice(0, i);
        }
        parsesSafely(new Uint8Array(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  test('a stream cut anywhere frames the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (msgs, cuts) => {
          const wire = msgs.map(serialize);
          const total = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
          let o = 0;
          for (const w of wire) {
            total.set(w, o);
            o += w.length;
          }
          const points = [...new Set(cuts.map((c) => c % total.length))].sort((a, b) => a - b);
          const framer = new StreamFramer();
          const out: Uint8Array[] = [];
          let prev = 0;
          for (const p of [...points, total.length]) {
            for (const item of framer.push(total.slice(prev, p)))
              if (item.kind === 'message') out.push(item.bytes);
            prev = p;
          }
          expect(out).toEqual(wire);
        },
      ),
      { numRuns: 200 },
    );
  });
});
