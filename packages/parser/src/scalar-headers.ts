import { MAX_UINT32 } from './cseq.js';
import { SipParseError } from './errors.js';
import { bytesOf, runEnd, WORD } from './fast-scan.js';
import { type Params, readParams } from './params.js';
import { Scanner, skipWs, splitTopLevel, trimLws } from './scanner.js';

/**
 * @internal An expiry read as RFC 4475 section 3.1.2.4 allows: beyond 2**32 - 1 (RFC 3261
 * section 25.1 delta-seconds) it is the default, 3600 (as section 20.10 has it for a malformed
 * one), not an error.
 */
export const expiry = (n: number | undefined): number | undefined => (n! > MAX_UINT32 ? 3600 : n);

/** Parses a bare non-negative integer header (Max-Forwards, Expires, Min-Expires, RSeq, ...). */
export function parseInteger(value: string, header: string, max = MAX_UINT32): number {
  const s = new Scanner(value, header);
  s.skipWs();
  const n = s.integer(max, 'number');
  s.end();
  return n;
}

/** Parses a comma-separated token list (Supported, Require, Allow, Unsupported, Proxy-Require). */
export function parseTokenList(value: string, header: string): string[] {
  if (trimLws(value) === '') return [];
  return splitTopLevel(value, header).map((t) => {
    const s = new Scanner(t, header);
    const tok = s.token('option tag');
    s.end();
    return tok;
  });
}

/** Call-ID: `word [ "@" word ]`, kept as written; LWS around it is left out. */
export function parseCallId(value: string, header = 'call-id'): string {
  const v = trimLws(value);
  const bad = callIdError(bytesOf(v, 0, v.length), 0, v.length);
  if (bad >= 0) throw new SipParseError('BAD_VALUE', 'bad Call-ID', skipWs(value, 0) + bad, header);
  return v;
}

/** -1 when `b` from `p` to `end` is `word [ "@" word ]`, otherwise where it stops being one. */
function callIdError(b: Uint8Array, p: number, end: number): number {
  let q = runEnd(b, p, end, WORD);
  if (q > p && q < end && b[q] === 64) {
    p = q + 1;
    q = runEnd(b, p, end, WORD);
  }
  return q < end ? q : q === p ? end : -1;
}

/**
 * {@link parseCallId} of `t.slice(start, end)` when it is a Call-ID without LWS around it, read
 * from `b` (bytes standing for `t` at the same offsets); undefined to leave it to parseCallId.
 */
export function callIdAt(
  t: string,
  start: number,
  end: number,
  b: Uint8Array = bytesOf(t, start, end),
): string | undefined {
  return callIdError(b, start, end) < 0 ? t.slice(start, end) : undefined;
}

/** A value with parameters: Event, Subscription-State, Security-*, Session-Expires, Retry-After. */
export interface ParamValue<T = string> {
  /** The leading token or number (`presence`, `active`, `1800`, `digest`, ...). */
  value: T;
  /** The parameters after it (`id`, `expires`, `refresher`, ...). */
  params: Params;
}

/** Parses `token *( SEMI generic-param )` (Event, Subscription-State). */
export function parseTokenWithParams(value: string, header: string): ParamValue {
  const s = new Scanner(value, header);
  s.skipWs();
  const v = s.token();
  const params = readParams(s);
  s.end();
  return { value: v, params };
}

/** Parses a comma list of `token *( SEMI param )` (Security-Client / -Server / -Verify, Accept-Contact). */
export function parseTokenWithParamsList(value: string, header: string): ParamValue[] {
  return splitTopLevel(value, header).map((p) => parseTokenWithParams(p, header));
}

/** Session-Expires / Min-SE / Retry-After: `delta-seconds [comment] *( SEMI param )`. */
export function parseDeltaWithParams(value: string, header: string): ParamValue<number> {
  const s = new Scanner(value, header);
  s.skipWs();
  const n = s.integer(MAX_UINT32, 'delta-seconds');
  s.skipWs();
  if (s.peek() === 40) skipComment(s);
  const params = readParams(s);
  s.end();
  return { value: n, params };
}

function skipComment(s: Scanner): void {
  let depth = 0;
  do {
    const c = s.peek();
    if (c < 0) s.fail('unterminated comment');
    if (c === 92) s.pos++;
    else if (c === 40) depth++;
    else if (c === 41) depth--;
    s.pos++;
  } while (depth > 0);
  s.skipWs();
}

/** The RAck header (RFC 3262): response number, CSeq number and method. */
export interface RAck {
  /** RSeq of the provisional response being acknowledged. */
  rseq: number;
  /** CSeq number of the request it answered. */
  cseq: number;
  /** CSeq method of the request it answered. */
  method: string;
}

/** Parses `RAck: 776656 1 INVITE`. */
export function parseRAck(value: string, header = 'rack'): RAck {
  const s = new Scanner(value, header);
  s.skipWs();
  const rseq = s.integer(MAX_UINT32, 'response-num');
  s.lws('CSeq-num'); // RFC 3262 section 7.2: response-num LWS CSeq-num LWS Method
  const cseq = s.integer(MAX_UINT32, 'CSeq-num');
  s.lws('method');
  const method = s.token('method');
  s.end();
  return { rseq, cseq, method };
}

/** The Replaces header (RFC 3891). */
export interface Replaces {
  /** Call-ID of the dialog to replace. */
  callId: string;
  /** `to-tag` of that dialog. */
  toTag?: string;
  /** `from-tag` of that dialog. */
  fromTag?: string;
  /** `early-only`: replace only a dialog that is not yet confirmed. */
  earlyOnly: boolean;
}

/** Parses `Replaces: callid;to-tag=x;from-tag=y[;early-only]`. */
export function parseReplaces(value: string, header = 'replaces'): Replaces {
  const semi = value.indexOf(';');
  const callId = parseCallId(semi < 0 ? value : value.slice(0, semi), header);
  const s = new Scanner(semi < 0 ? '' : value.slice(semi), header);
  const params = readParams(s);
  s.end();
  return {
    callId,
    toTag: params.get('to-tag') ?? undefined,
    fromTag: params.get('from-tag') ?? undefined,
    earlyOnly: params.has('early-only'),
  };
}

/** A Content-Type value: `type/subtype` (lower-cased) and parameters. */
export interface MediaType {
  /** Top-level type, lower-cased (`application`, `*`). */
  type: string;
  /** Subtype, lower-cased (`sdp`, `*`). */
  subtype: string;
  /** Parameters such as `charset` or `q`. */
  params: Params;
}

/** Parses `type "/" subtype *( SEMI m-parameter )`. */
export function parseMediaType(value: string, header = 'content-type'): MediaType {
  const s = new Scanner(value, header);
  s.skipWs();
  const type = s.token('media type').toLowerCase();
  s.expect(47, "'/'");
  const subtype = s.token('media subtype').toLowerCase();
  const params = readParams(s);
  s.end();
  return { type, subtype, params };
}

/** Parses Accept: a comma list of media ranges (may be empty). */
export function parseAccept(value: string, header = 'accept'): MediaType[] {
  if (trimLws(value) === '') return [];
  return splitTopLevel(value, header).map((p) => parseMediaType(p, header));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DATE_RE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * Parses an RFC 1123 date that must be in GMT (RFC 3261 section 20.17): a day that the month
 * has, hours to 23, minutes and seconds to 59. The weekday is not compared with the date.
 */
export function parseDate(value: string, header = 'date'): Date {
  const v = trimLws(value);
  const m = DATE_RE.exec(v);
  const date = new Date(0);
  if (m) {
    date.setUTCFullYear(Number(m[4]), MONTHS.indexOf(m[3]!), Number(m[2]));
    date.setUTCHours(Number(m[5]), Number(m[6]), Number(m[7]));
  }
  // A part out of its range moves the date on (`31 Feb` to March), so it writes back otherwise.
  if (!m || date.toUTCString().slice(4) !== v.slice(4))
    throw new SipParseError('BAD_VALUE', 'date must be RFC 1123 in GMT', 0, header);
  return date;
}

/** One Warning value (RFC 3261 section 20.43). */
export interface Warning {
  /** Three-digit warn-code (3xx, RFC 3261 section 20.43). */
  code: number;
  /** warn-agent: host[:port] or pseudonym of the sender. */
  agent: string;
  /** Warning text with quotes resolved. */
  text: string;
}

/** Parses a Warning list: `3DIGIT SP agent SP quoted-string`. */
export function parseWarningList(value: string, header = 'warning'): Warning[] {
  return splitTopLevel(value, header).map((part) => {
    const s = new Scanner(part, header);
    const start = s.pos;
    const code = s.integer(999, 'warn-code');
    if (s.pos - start !== 3) s.fail('warn-code must be 3 digits', start);
    s.skipWs();
    const agent = s.tokenOrHost('warn-agent');
    s.skipWs();
    const text = s.quoted();
    s.end();
    return { code, agent, text };
  });
}
