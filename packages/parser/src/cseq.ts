import { isTokenChar, Scanner, skipWs } from './scanner.js';

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
  s.skipWs();
  const method = s.token('method');
  s.end();
  return new CSeq(seq, method);
}

/** {@link parseCSeq} of `t.slice(start, end)` for plain values; undefined to leave it to parseCSeq. */
export function cseqAt(t: string, start: number, end: number): CSeq | undefined {
  let p = skipWs(t, start);
  const digits = p;
  let n = 0;
  for (let c = t.charCodeAt(p); p < end && c >= 48 && c <= 57; c = t.charCodeAt(++p)) n = n * 10 + (c - 48);
  if (p === digits || p - digits > 10 || n > MAX_UINT32) return undefined;
  p = skipWs(t, p);
  const method = p;
  while (p < end && isTokenChar(t.charCodeAt(p))) p++;
  if (p === method || skipWs(t, p) < end) return undefined;
  return new CSeq(n, t.slice(method, p));
}
