import { bytesOf, DIGIT, digitsAt, runEnd, TOKEN, WS } from './fast-scan.js';
import { Scanner } from './scanner.js';

/** Largest CSeq / Expires / RSeq value (2**32 - 1). */
export const MAX_UINT32 = 0xffffffff;

/** The CSeq header: sequence number and method. */
export class CSeq {
  constructor(
    /** Sequence number, 0 to 2**32 - 1. */
    public seq: number,
    /** Method as written; for a request it must equal the request method. */
    public method: string,
  ) {}
  /** `seq method`, as written on the wire. */
  toString(): string {
    return `${this.seq} ${this.method}`;
  }
}

/** Parses `1*DIGIT LWS Method`; the number must fit in 32 bits. */
export function parseCSeq(value: string, header = 'cseq'): CSeq {
  const s = new Scanner(value, header);
  s.skipWs();
  const seq = s.integer(MAX_UINT32, 'sequence number');
  s.lws('method');
  const method = s.token('method');
  s.end();
  return new CSeq(seq, method);
}

/**
 * {@link parseCSeq} of `t.slice(start, end)` for plain values, read from `b` (bytes standing for
 * `t` at the same offsets); undefined to leave it to parseCSeq.
 */
export function cseqAt(
  t: string,
  start: number,
  end: number,
  b: Uint8Array = bytesOf(t, start, end),
): CSeq | undefined {
  let p = runEnd(b, start, end, WS);
  const digits = p;
  p = runEnd(b, p, end, DIGIT);
  const n = digitsAt(b, digits, p, 10);
  if (n < 0 || n > MAX_UINT32) return undefined;
  const method = runEnd(b, p, end, WS);
  if (method === p) return undefined;
  p = method;
  p = runEnd(b, p, end, TOKEN);
  if (p === method || runEnd(b, p, end, WS) < end) return undefined;
  return new CSeq(n, t.slice(method, p));
}
