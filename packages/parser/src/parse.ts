import { SipParseError } from './errors.js';
import { headerKey } from './header-names.js';
import { Headers } from './headers.js';
import { DEFAULT_LIMITS, type ParseLimits } from './limits.js';
import { type SipMessage, SipRequest, SipResponse } from './message.js';
import { isToken, trimLws } from './scanner.js';
import { parseUri, type Uri } from './uri.js';

/** How the bytes arrived, which decides what Content-Length means (RFC 3261 section 18.3). */
export type Framing = 'datagram' | 'stream';

/** Options for {@link parseMessage}. */
export interface ParseOptions {
  /** `datagram` (default): Content-Length may be absent (body = rest) and trailing bytes are ignored. `stream`: Content-Length is required and must match exactly. */
  framing?: Framing;
  /** Overrides of {@link DEFAULT_LIMITS}; messages over a limit are refused before the work is done. */
  limits?: Partial<ParseLimits>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
 * are parsed on first access. The body is a view of `bytes`, not a copy. Throws only
 * {@link SipParseError}.
 */
export function parseMessage(bytes: Uint8Array, options: ParseOptions = {}): SipMessage {
  const limits = options.limits ? { ...DEFAULT_LIMITS, ...options.limits } : DEFAULT_LIMITS;
  const framing = options.framing ?? 'datagram';
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
  const end = findHeaderEnd(bytes, start);
  if (end < 0) throw new SipParseError('NO_HEADER_END', 'missing blank line after headers', bytes.length);
  let text: string;
  try {
    text = utf8.decode(bytes.subarray(start, end + 2));
  } catch {
    throw new SipParseError('BAD_ENCODING', 'header section is not UTF-8', start);
  }
  const headers = new Headers();
  const lineEnd = text.indexOf('\r\n');
  const startLine = text.slice(0, lineEnd);
  checkLine(startLine, 0, limits, false);
  const lengths = readHeaders(text, lineEnd + 2, headers, limits);
  const bodyStart = end + 4;
  const body = frameBody(bytes, bodyStart, lengths, framing);
  return buildMessage(startLine, headers, body);
}

/** `clean`: the raw lines were already seen to hold no bare CR or LF, so the value need not be rescanned. */
function checkLine(line: string, at: number, limits: ParseLimits, clean: boolean): void {
  if (line.length > limits.maxLineLength) {
    throw new SipParseError('LINE_TOO_LONG', `line longer than ${limits.maxLineLength}`, at);
  }
  if (!clean && (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0)) {
    throw new SipParseError('BAD_HEADER', 'bare CR or LF inside a line', at);
  }
}

/** Reads the header lines into `headers`; returns the Content-Length values met, in order. */
function readHeaders(text: string, from: number, headers: Headers, limits: ParseLimits): string[] {
  let pos = from;
  let name = '';
  let key = '';
  let value = '';
  let at = 0;
  let count = 0;
  // True while every raw line of the current header is known to hold no bare CR or LF.
  let clean = true;
  const lengths: string[] = [];
  const len = text.length;
  while (pos < len) {
    // Fast path: the first CR starts a CRLF and no LF comes before it, so the line is clean and
    // this is the same line end indexOf('\r\n') finds. Otherwise find it that way and let
    // checkLine scan the value.
    let eol = text.indexOf('\r', pos);
    const lineClean = eol >= 0 && text.charCodeAt(eol + 1) === 10 && text.indexOf('\n', pos) === eol + 1;
    if (!lineClean) {
      eol = text.indexOf('\r\n', pos);
      if (eol < 0) eol = len;
    }
    const first = text.charCodeAt(pos);
    if (first === 32 || first === 9) {
      // Folded continuation (LWS): joins the previous line with one space.
      if (count === 0) throw new SipParseError('BAD_HEADER', 'continuation line before any header', pos);
      const cont = trimLws(text.slice(pos, eol));
      value = value.length === 0 ? cont : cont.length === 0 ? value : `${value} ${cont}`;
      clean = clean && lineClean;
    } else {
      if (count > 0) flush();
      if (++count > limits.maxHeaders)
        throw new SipParseError('TOO_MANY_HEADERS', `more than ${limits.maxHeaders} headers`, pos);
      const colon = text.indexOf(':', pos);
      if (colon < 0 || colon > eol) throw new SipParseError('BAD_HEADER', 'header line without colon', pos);
      name = trimLws(text.slice(pos, colon));
      if (!isToken(name)) throw new SipParseError('BAD_HEADER', 'bad header name', pos);
      key = headerKey(name);
      value = trimmedSlice(text, colon + 1, eol);
      at = pos;
      clean = lineClean;
    }
    pos = eol + 2;
  }
  if (count > 0) flush();
  return lengths;

  function flush(): void {
    checkLine(value, at, limits, clean);
    headers.push(name, key, value);
    if (key === 'content-length') lengths.push(value);
  }
}

/** `text.slice(from, to)` without leading and trailing SP and HTAB, in one copy. */
function trimmedSlice(text: string, from: number, to: number): string {
  let s = from;
  let e = to;
  while (s < e && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
  while (e > s && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
  return text.slice(s, e);
}

/** `lengths`: every Content-Length value in order (what `headers.getAll('content-length')` gives). */
function frameBody(bytes: Uint8Array, bodyStart: number, lengths: string[], framing: Framing): Uint8Array {
  if (lengths.length === 0) {
    if (framing === 'stream')
      throw new SipParseError('BAD_CONTENT_LENGTH', 'Content-Length required on a stream', bodyStart);
    return bytes.subarray(bodyStart);
  }
  let length = -1;
  for (const v of lengths) {
    if (!/^\d{1,10}$/.test(v))
      throw new SipParseError('BAD_CONTENT_LENGTH', `bad Content-Length '${v}'`, bodyStart, 'content-length');
    const n = Number(v);
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
  return bytes.subarray(bodyStart, bodyStart + length);
}

const VERSION = /^SIP\/2\.0$/i;

function buildMessage(line: string, headers: Headers, body: Uint8Array): SipMessage {
  if (line.length === 0) throw new SipParseError('BAD_START_LINE', 'empty start line', 0);
  const sp1 = line.indexOf(' ');
  if (sp1 <= 0) throw new SipParseError('BAD_START_LINE', 'start line needs three parts', 0);
  const first = line.slice(0, sp1);
  if (first.length > 4 && first.slice(0, 4).toUpperCase() === 'SIP/') {
    if (!VERSION.test(first)) throw new SipParseError('BAD_VERSION', `unsupported version ${first}`, 0);
    const sp2 = line.indexOf(' ', sp1 + 1);
    const code = line.slice(sp1 + 1, sp2 < 0 ? line.length : sp2);
    if (!/^[1-6]\d\d$/.test(code))
      throw new SipParseError('BAD_STATUS', `bad status code '${code}'`, sp1 + 1);
    const reason = sp2 < 0 ? '' : line.slice(sp2 + 1);
    for (let i = 0; i < reason.length; i++) {
      const c = reason.charCodeAt(i);
      if (c < 32 && c !== 9)
        throw new SipParseError('BAD_START_LINE', 'control character in reason phrase', sp2 + 1 + i);
    }
    return new SipResponse(Number(code), reason, headers, body);
  }
  if (!isToken(first)) throw new SipParseError('BAD_METHOD', 'method is not a token', 0);
  const sp2 = line.indexOf(' ', sp1 + 1);
  if (sp2 < 0) throw new SipParseError('BAD_START_LINE', 'request line needs three parts', sp1);
  const version = line.slice(sp2 + 1);
  if (!VERSION.test(version)) {
    throw new SipParseError(
      version.startsWith('SIP/') ? 'BAD_VERSION' : 'BAD_START_LINE',
      `bad SIP version '${version}'`,
      sp2 + 1,
    );
  }
  const uriText = line.slice(sp1 + 1, sp2);
  let uri: Uri;
  try {
    uri = parseUri(uriText);
  } catch (e) {
    const pos = e instanceof SipParseError ? sp1 + 1 + Math.max(0, e.position) : sp1 + 1;
    throw new SipParseError('BAD_URI', `bad Request-URI: ${(e as Error).message}`, pos);
  }
  // RFC 3261 section 19.1.5: headers are not allowed in a Request-URI.
  if (uri.kind === 'sip' && uri.headers.size > 0) {
    throw new SipParseError('BAD_URI', 'headers are not allowed in a Request-URI', sp1 + 1);
  }
  return new SipRequest(first, uri, headers, body);
}
