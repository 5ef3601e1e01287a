import { strictUtf8, utf8Encoder } from './codecs.js';
import { SipParseError } from './errors.js';
import { TOKEN_CHARS } from './escape.js';
import { bytesAre, bytesOf, DIGIT, digitsAt, named, runEnd, TOKEN as TOKEN_CLASS } from './fast-scan.js';
import { headerKey, idOfSpan, keyId, keyOfId, nameHash } from './header-names.js';
import { Headers } from './headers.js';
import { DEFAULT_LIMITS, type ParseLimits, withDefaults } from './limits.js';
import { type SipMessage, SipRequest, SipResponse } from './message.js';
import { isTokenChar, trimLws } from './scanner.js';
import { parseUriAt, sipUriScan, uriScanStop } from './uri.js';

/** How the bytes arrived, which decides what Content-Length means (RFC 3261 section 18.3). */
export type Framing = 'datagram' | 'stream';

/** Options for {@link parseMessage}. */
export interface ParseOptions {
  /** `datagram` (default): Content-Length may be absent (body = rest) and trailing bytes are ignored. `stream`: Content-Length is required and must match exactly. */
  framing?: Framing;
  /** Overrides of {@link DEFAULT_LIMITS}; messages over a limit are refused before the work is done. */
  limits?: Partial<ParseLimits>;
}

/** For bytes already known to be ASCII: nothing to refuse, and it skips the fatal mode's checks. */
const asciiText = new TextDecoder('utf-8', { ignoreBOM: true });

/** Index of the CRLFCRLF that ends the header section, or -1. */
export function findHeaderEnd(bytes: Uint8Array, from = 0): number {
  // Horspool-style skip: look at the last byte of the 4-byte window. Header bytes are mostly
  // neither CR nor LF, and then no match can cover that byte, so the window moves by 4; this reads
  // about a quarter of the header bytes and beats one indexOf call per line.
  const last = bytes.length - 4;
  let i = from;
  while (i <= last) {
    const c = bytes[i + 3];
    if (c === 10) {
      if (bytes[i + 2] === 13 && bytes[i + 1] === 10 && bytes[i] === 13) return i;
      i += 2;
    } else if (c === 13) i += 1;
    else i += 4;
  }
  return -1;
}

/**
 * Parses one SIP message. Finds the start line and header boundaries now; typed header values
 * are parsed on first access. The body is a view of `bytes`, not a copy, and typed values of an
 * ASCII header section are read from `bytes` when first asked for: leave them unchanged while the
 * message is in use. Throws only {@link SipParseError}.
 */
export function parseMessage(bytes: Uint8Array, options?: ParseOptions): SipMessage {
  const limits = options?.limits ? withDefaults(options.limits) : DEFAULT_LIMITS;
  const framing = options?.framing ?? 'datagram';
  if (bytes.length > limits.maxMessageBytes) {
    throw new SipParseError(
      'TOO_LARGE',
      `message larger than ${limits.maxMessageBytes} bytes`,
      limits.maxMessageBytes,
    );
  }
  // RFC 3261 section 7.5: ignore CRLFs before the start line.
  let start = 0;
  while (start + 1 < bytes.length && bytes[start] === 13 && bytes[start + 1] === 10) start += 2;
  if (start >= bytes.length) throw new SipParseError('EMPTY', 'no message', 0);
  const headers = new Headers();
  let end = start === 0 ? scanAscii(bytes, limits) : -1;
  if (end >= 0) {
    // Exact-size copies of the scratch lists: one allocation each instead of growing per line.
    const spans = SPANS.slice(0, 4 * lineCount);
    const ids = IDS.slice(0, lineCount);
    // The byte pass took the whole header section; only Content-Length needs its text now. With
    // no body, the bytes hold just one more CRLF: decode them whole rather than make a view.
    const text = asciiText.decode(end + 4 === bytes.length ? bytes : bytes.subarray(0, end + 2));
    headers.init(text, undefined, ids, spans, NO_FOLDS, bytes);
    // A plain Content-Length is read from the bytes; anything else goes to frameBody to report.
    let body: Uint8Array;
    if (lengthLine < 0) body = frameBody(bytes, end + 4, NO_FOLDS, framing);
    else {
      const from = spans[4 * lengthLine + 2]!;
      const to = spans[4 * lengthLine + 3]!;
      const length = digitsIn(bytes, from, to);
      body =
        length >= 0
          ? bodyOf(bytes, end + 4, length, framing)
          : frameBody(bytes, end + 4, [text.slice(from, to)], framing);
    }
    // `text` is the ASCII decoding of `bytes` (same offsets), which the fast paths read.
    return buildMessage(text, spans.length > 0 ? spans[0]! - 2 : end, headers, body, bytes);
  }
  end = findHeaderEnd(bytes, start);
  if (end < 0) throw new SipParseError('NO_HEADER_END', 'missing blank line after headers', bytes.length);
  let text: string;
  try {
    text = strictUtf8.decode(bytes.subarray(start, end + 2));
  } catch {
    throw new SipParseError('BAD_ENCODING', 'header section is not UTF-8', start);
  }
  // Errors found in `text` give character offsets from `start`: report byte offsets into `bytes`.
  // (Content-Length errors, the only ones that name a header here, have them already.)
  try {
    const lineEnd = text.indexOf('\r\n');
    if (lineEnd > limits.maxLineLength) {
      throw new SipParseError('LINE_TOO_LONG', `line longer than ${limits.maxLineLength}`, 0);
    }
    const cr = text.indexOf('\r');
    const lf = text.indexOf('\n');
    if (cr !== lineEnd || lf !== lineEnd + 1) {
      throw new SipParseError('BAD_HEADER', 'bare CR or LF inside a line', Math.min(cr, lf));
    }
    const body = frameBody(bytes, end + 4, readHeaders(text, lineEnd + 2, headers, limits), framing);
    return buildMessage(text, lineEnd, headers, body, undefined);
  } catch (e) {
    if (!(e instanceof SipParseError) || e.header) throw e;
    throw new SipParseError(e.code, e.message, start + utf8Encoder.encode(text.slice(0, e.position)).length);
  }
}

/** An empty list, for no folded values and for no Content-Length (never written to). */
const NO_FOLDS: string[] = [];
const CONTENT_LENGTH = keyId('content-length');
/** The line {@link scanAscii} found Content-Length on, or -1, and its number of lines (read right after it). */
let lengthLine = -1;
let lineCount = 0;
/** Scratch lists {@link scanAscii} fills, reused from message to message. */
const SPANS: number[] = [];
const IDS: number[] = [];

/**
 * Byte-level pass over a header section starting at byte 0 when nothing in it needs the string
 * reader: all ASCII, every line ending in CRLF with no bare CR or LF, no folded line, every
 * header line `token *WSP ":" value`, at most one Content-Length, and no limit reached. Fills
 * `spans` as Headers keeps them (name start, name end, value start, value end), `ids` with the
 * {@link keyId} of each line and {@link lengthLine}; returns where the CRLFCRLF ending the
 * section starts (as {@link findHeaderEnd}), or -1 to leave the message to the string reader,
 * which also reports every error.
 */
function scanAscii(b: Uint8Array, limits: ParseLimits): number {
  const spans = SPANS;
  const ids = IDS;
  const maxLine = limits.maxLineLength;
  // 4-byte loads let line ends be looked for, and names be matched, 4 bytes at a time.
  const view = scratchViewOf(b);
  let p = crAt(b, view, 0);
  if (p < 0 || p > maxLine || b[p + 1] !== 10) return -1;
  p += 2;
  let n = 0;
  lengthLine = -1;
  for (;;) {
    let c = b[p]!;
    if (c === 13) {
      lineCount = n;
      return b[p + 1] === 10 ? p - 2 : -1;
    }
    if (n >= limits.maxHeaders) return -1;
    const nameStart = p;
    while (TOKEN_CHARS[c] === 1) c = b[++p]!;
    const nameEnd = p;
    while (c === 32 || c === 9) c = b[++p]!;
    if (c !== 58 || nameEnd === nameStart) return -1;
    c = b[++p]!;
    while (c === 32 || c === 9) c = b[++p]!;
    const valueStart = p;
    p = crAt(b, view, p);
    if (p < 0 || b[p + 1] !== 10) return -1;
    let valueEnd = p;
    while (valueEnd > valueStart && (b[valueEnd - 1] === 32 || b[valueEnd - 1] === 9)) valueEnd--;
    if (valueEnd - valueStart > maxLine) return -1;
    const hash = nameHash(nameEnd - nameStart, b[nameStart]!, b[nameStart + 1]!, b[nameEnd - 1]!);
    const id = idOfSpan('', view, nameStart, nameEnd, hash);
    if (id === CONTENT_LENGTH) {
      if (lengthLine >= 0) return -1;
      lengthLine = n;
    }
    spans[4 * n] = nameStart;
    spans[4 * n + 1] = nameEnd;
    spans[4 * n + 2] = valueStart;
    spans[4 * n + 3] = valueEnd;
    ids[n] = id;
    n++;
    p += 2;
  }
}

let scratch = new Uint8Array(0);
let scratchView = new DataView(scratch.buffer);

/**
 * A DataView over a copy of `b` (at the same offsets). Copying a message into one reused buffer
 * costs about a third of making a DataView over the message's own buffer.
 */
function scratchViewOf(b: Uint8Array): DataView {
  if (b.length > scratch.length) {
    scratch = new Uint8Array(Math.max(b.length, 4096));
    scratchView = new DataView(scratch.buffer);
  }
  scratch.set(b);
  return scratchView;
}

/**
 * Index of the first CR at or after `p`, or -1 when an LF or a byte above 127 comes first or
 * there is none. 4 bytes that are all printable ASCII (0x20 to 0x7F; the test below is never
 * wrong that way) are skipped at once.
 */
function crAt(b: Uint8Array, view: DataView, p: number): number {
  const n = b.length;
  const last = n - 4;
  for (;;) {
    while (p <= last) {
      const w = view.getInt32(p, true);
      // A byte below 0x20 borrows into its own top bit; a byte from 0x80 has it set already.
      if ((((w - 0x20202020) | w) & 0x80808080) !== 0) break;
      p += 4;
    }
    while (p < n && b[p]! >= 32 && b[p]! < 128) p++;
    if (p >= n) return -1;
    const c = b[p]!;
    if (c === 13) return p;
    if (c === 10 || c >= 128) return -1;
    p++;
  }
}

/**
 * Reads the header lines of `text` from `from` into `headers` as spans of `text`; returns the
 * Content-Length values met, in order. Used for what {@link scanAscii} leaves, so it reports
 * every header error.
 */
function readHeaders(text: string, from: number, headers: Headers, limits: ParseLimits): string[] {
  const keys: string[] = [];
  const ids: number[] = [];
  const spans: number[] = [];
  const folded: string[] = [];
  const lengths: string[] = [];
  const len = text.length;
  const maxLine = limits.maxLineLength;
  // The header being read: its line start, key and value span; `value` once it is folded.
  let at = -1;
  let key = '';
  let vStart = 0;
  let vEnd = 0;
  let value: string | undefined;
  // True while every raw line of the current header is known to hold no bare CR or LF.
  let clean = true;
  let pos = from;
  for (;;) {
    let eol = len;
    let lineClean = true;
    const first = pos < len ? text.charCodeAt(pos) : -1;
    if (first >= 0) {
      // The first CR starts a CRLF and no LF comes before it: the line is clean and this is the
      // line end indexOf('\r\n') finds. Otherwise find it that way and scan the value later.
      eol = text.indexOf('\r', pos);
      lineClean = eol >= 0 && text.charCodeAt(eol + 1) === 10 && text.indexOf('\n', pos) === eol + 1;
      if (!lineClean) {
        eol = text.indexOf('\r\n', pos);
        if (eol < 0) eol = len;
      }
      if (first === 32 || first === 9) {
        // Folded continuation (LWS): joins the previous line with one space.
        if (at < 0) throw new SipParseError('BAD_HEADER', 'continuation line before any header', pos);
        const prev = value ?? text.slice(vStart, vEnd);
        const cont = trimLws(text.slice(pos, eol));
        value = prev.length === 0 ? cont : cont.length === 0 ? prev : `${prev} ${cont}`;
        clean = clean && lineClean;
        pos = eol + 2;
        continue;
      }
    }
    if (at >= 0) {
      // The previous header is complete: check it and note what only its full value tells.
      const size = value === undefined ? vEnd - vStart : value.length;
      if (size > maxLine) throw new SipParseError('LINE_TOO_LONG', `line longer than ${maxLine}`, at);
      if (!clean || value !== undefined || key === 'content-length') {
        const v = value ?? text.slice(vStart, vEnd);
        if (!clean && (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0)) {
          throw new SipParseError('BAD_HEADER', 'bare CR or LF inside a line', at);
        }
        if (value !== undefined) {
          spans[spans.length - 2] = -1;
          spans[spans.length - 1] = folded.length;
          folded.push(value);
        }
        if (key === 'content-length') lengths.push(v);
      }
    }
    if (first < 0) break;
    if (keys.length >= limits.maxHeaders)
      throw new SipParseError('TOO_MANY_HEADERS', `more than ${limits.maxHeaders} headers`, pos);
    // The name: token characters, then optional white space and the colon.
    let p = pos;
    for (let c = first; p < eol && isTokenChar(c); c = text.charCodeAt(++p));
    const nameEnd = p;
    const hash = nameHash(nameEnd - pos, first, text.charCodeAt(pos + 1), text.charCodeAt(nameEnd - 1));
    while (p < eol && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
    if (p === pos || p >= eol || text.charCodeAt(p) !== 58) {
      const colon = text.indexOf(':', pos);
      if (colon < 0 || colon > eol) throw new SipParseError('BAD_HEADER', 'header line without colon', pos);
      throw new SipParseError('BAD_HEADER', 'bad header name', pos);
    }
    const id = idOfSpan(text, undefined, pos, nameEnd, hash);
    key = id >= 0 ? keyOfId(id) : headerKey(text.slice(pos, nameEnd));
    p++;
    while (p < eol && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
    let e = eol;
    while (e > p && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
    spans.push(pos, nameEnd, p, e);
    keys.push(key);
    ids.push(id);
    at = pos;
    vStart = p;
    vEnd = e;
    value = undefined;
    clean = lineClean;
    pos = eol + 2;
  }
  headers.init(text, keys, ids, spans, folded);
  return lengths;
}

/** `lengths`: every Content-Length value in order (what `headers.getAll('content-length')` gives). */
function frameBody(bytes: Uint8Array, bodyStart: number, lengths: string[], framing: Framing): Uint8Array {
  if (lengths.length === 0) {
    if (framing === 'stream')
      throw new SipParseError(
        'BAD_CONTENT_LENGTH',
        'Content-Length required on a stream',
        bodyStart,
        'content-length',
      );
    return bytes.subarray(bodyStart);
  }
  let length = -1;
  for (const v of lengths) {
    const n = digitsIn(bytesOf(v, 0, v.length), 0, v.length);
    if (n < 0)
      throw new SipParseError('BAD_CONTENT_LENGTH', `bad Content-Length '${v}'`, bodyStart, 'content-length');
    if (length >= 0 && n !== length) {
      // Conflicting lengths (RFC 4475 3.3.9): a stream cannot be framed; a datagram is left to validation.
      if (framing === 'stream')
        throw new SipParseError(
          'BAD_CONTENT_LENGTH',
          'conflicting Content-Length headers',
          bodyStart,
          'content-length',
        );
      return bytes.subarray(bodyStart);
    }
    length = n;
  }
  return bodyOf(bytes, bodyStart, length, framing);
}

/** The body of `length` bytes from `bodyStart`, as Content-Length gave it. */
function bodyOf(bytes: Uint8Array, bodyStart: number, length: number, framing: Framing): Uint8Array {
  const available = bytes.length - bodyStart;
  if (length > available) {
    throw new SipParseError(
      'TRUNCATED_BODY',
      `Content-Length ${length} but ${available} bytes follow`,
      bodyStart,
      'content-length',
    );
  }
  if (framing === 'stream' && length < available) {
    throw new SipParseError(
      'BAD_CONTENT_LENGTH',
      'bytes after the body',
      bodyStart + length,
      'content-length',
    );
  }
  // Most messages have no body, and a view costs more than the rest of framing: share one.
  return length === 0 ? NO_BODY : bytes.subarray(bodyStart, bodyStart + length);
}

/** The body of every parsed message with Content-Length 0 (empty, so nothing can change it). */
const NO_BODY = new Uint8Array(0);

/** The value of the 1 to 10 ASCII digits in `b` from `start` to `end`, else -1. */
function digitsIn(b: Uint8Array, start: number, end: number): number {
  return runEnd(b, start, end, DIGIT) === end ? digitsAt(b, start, end, 10) : -1;
}

/** True when `b` from `start` to `end` is `SIP/2.0`, letters in any case. */
function isVersion(b: Uint8Array, start: number, end: number): boolean {
  return end - start === 7 && named(b, start, start + 3, 'sip') && bytesAre(b, start + 3, '/2.0');
}

/** `text.slice(0, 4).toUpperCase() === 'SIP/'`, without the copies for the usual ASCII start. */
function isSipSlash(text: string): boolean {
  const a = text.charCodeAt(0);
  const b = text.charCodeAt(1);
  const c = text.charCodeAt(2);
  if (a < 128 && b < 128 && c < 128) {
    return (a | 32) === 115 && (b | 32) === 105 && (c | 32) === 112 && text.charCodeAt(3) === 47;
  }
  return text.slice(0, 4).toUpperCase() === 'SIP/';
}

/** Builds the message from its start line, `text.slice(0, lineEnd)`; `ascii`: the bytes `text` is the ASCII decoding of, if it is. */
function buildMessage(
  text: string,
  lineEnd: number,
  headers: Headers,
  body: Uint8Array,
  ascii: Uint8Array | undefined,
): SipMessage {
  if (lineEnd === 0) throw new SipParseError('BAD_START_LINE', 'empty start line', 0);
  // The checks below are of ASCII characters: bytes cost less to read than the text.
  const b = ascii ?? bytesOf(text, 0, lineEnd);
  let sp1 = text.indexOf(' ');
  if (sp1 > lineEnd) sp1 = -1;
  if (sp1 <= 0) throw new SipParseError('BAD_START_LINE', 'start line needs three parts', 0);
  let sp2 = text.indexOf(' ', sp1 + 1);
  if (sp2 > lineEnd) sp2 = -1;
  if (sp1 > 4 && isSipSlash(text)) {
    if (!isVersion(b, 0, sp1))
      throw new SipParseError('BAD_VERSION', `unsupported version ${text.slice(0, sp1)}`, 0);
    const codeEnd = sp2 < 0 ? lineEnd : sp2;
    const c = b[sp1 + 1]!;
    const status = c >= 49 && c <= 54 && codeEnd - sp1 === 4 ? digitsIn(b, sp1 + 1, codeEnd) : -1;
    if (status < 0)
      throw new SipParseError('BAD_STATUS', `bad status code '${text.slice(sp1 + 1, codeEnd)}'`, sp1 + 1);
    for (let i = sp2 + 1; sp2 >= 0 && i < lineEnd; i++) {
      const c = b[i]!;
      if (c < 32 && c !== 9)
        throw new SipParseError('BAD_START_LINE', 'control character in reason phrase', i);
    }
    return new SipResponse(status, sp2 < 0 ? '' : text.slice(sp2 + 1, lineEnd), headers, body);
  }
  if (runEnd(b, 0, sp1, TOKEN_CLASS) < sp1) throw new SipParseError('BAD_METHOD', 'method is not a token', 0);
  if (sp2 < 0) throw new SipParseError('BAD_START_LINE', 'request line needs three parts', sp1);
  if (!isVersion(b, sp2 + 1, lineEnd)) {
    throw new SipParseError(
      text.startsWith('SIP/', sp2 + 1) ? 'BAD_VERSION' : 'BAD_START_LINE',
      `bad SIP version '${text.slice(sp2 + 1, lineEnd)}'`,
      sp2 + 1,
    );
  }
  const fast = sipUriScan(b, text, sp1 + 1, sp2);
  if (fast !== undefined && uriScanStop === sp2)
    return new SipRequest(text.slice(0, sp1), fast, headers, body);
  const uri = parseUriAt(text.slice(sp1 + 1, sp2), sp1 + 1, undefined, 'bad Request-URI: ');
  // RFC 3261 section 19.1.5: headers are not allowed in a Request-URI.
  if (uri.kind === 'sip' && uri.hasHeaders) {
    throw new SipParseError('BAD_URI', 'headers are not allowed in a Request-URI', sp1 + 1);
  }
  return new SipRequest(text.slice(0, sp1), uri, headers, body);
}
