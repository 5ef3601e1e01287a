import { SipParseError } from './errors.js';
import { bytesOf, DIGIT, digitsAt, firstValueEnd, IPV6, paramsEnd, runEnd, TOKEN, WS } from './fast-scan.js';
import { hostEnd, hostWasIPv4 } from './host.js';
import { isIPv6Reference } from './ipv6.js';
import { Params, readParams } from './params.js';
import { isToken, Scanner, splitTopLevel } from './scanner.js';
import { hostError } from './uri.js';

/** The magic cookie that marks an RFC 3261 branch. */
export const BRANCH_COOKIE = 'z9hG4bK';

/**
 * One Via value (RFC 3261 section 20.42). One read from a message's headers is a read-only view
 * of its line (see {@link Headers.typed}): a proxy that changes it writes the Via lines again.
 */
export class Via {
  constructor(
    /** Transport token, upper-cased (`UDP`, `TCP`, `TLS`, `WS`, `WSS`, `SCTP`, ...). */
    public transport: string,
    /** sent-by host (IPv6 references keep their brackets). */
    public host: string,
    /** sent-by port; undefined when not written (the transport's default applies). */
    public port?: number,
    /** Via parameters (`branch`, `received`, `rport`, ...). */
    public params: Params = new Params(),
    /** `SIP/2.0` unless an odd peer says otherwise. */
    public protocol = 'SIP/2.0',
  ) {}

  /** The transaction id (`branch` parameter). */
  get branch(): string | undefined {
    return this.params.find('branch') ?? undefined;
  }
  /** The source address a server saw (`received`, RFC 3261 section 18.2.1). */
  get received(): string | undefined {
    return this.params.find('received') ?? undefined;
  }
  /** `true` for a bare `;rport`, the port for `;rport=N`, undefined when absent. */
  get rport(): number | true | undefined {
    const v = this.params.find('rport');
    if (v === undefined) return undefined;
    return v === null ? true : Number(v);
  }
  /** `maddr`: the address responses go to instead of sent-by (multicast). */
  get maddr(): string | undefined {
    return this.params.find('maddr') ?? undefined;
  }
  /** `ttl` for multicast responses, 0 to 255. */
  get ttl(): number | undefined {
    const v = this.params.find('ttl');
    return v == null ? undefined : Number(v);
  }
  /** True when the branch starts with the RFC 3261 magic cookie and has more after it. */
  get rfc3261(): boolean {
    const b = this.branch;
    return b !== undefined && b.length > BRANCH_COOKIE.length && b.startsWith(BRANCH_COOKIE);
  }

  /**
   * The via-parm as written on the wire (`SIP/2.0/UDP host:port;params`). Throws
   * {@link SipParseError} `BAD_VALUE` (position: the host's) when `host` is not a hostname, IPv4
   * address or IPv6 reference, which would not read back as this Via.
   */
  toString(): string {
    const bad = hostError(this.host);
    if (bad >= 0)
      throw new SipParseError(
        'BAD_VALUE',
        'not a host',
        this.protocol.length + this.transport.length + 2 + bad,
      );
    return `${this.protocol}/${this.transport} ${this.host}${this.port === undefined ? '' : `:${this.port}`}${this.params}`;
  }
}

/**
 * Checks the parameters RFC 3261 section 25.1 gives a form (every one of each name): `ttl` 0 to
 * 255, `rport` empty or a port, `branch` a token, `received` an IPv4 or IPv6 address (the IPv6
 * reference form too, as RFC 5118 section 4.5 found servers write it) and `maddr` a host.
 */
function checkParams(s: Scanner, params: Params): void {
  for (const { name, value, quoted } of params) {
    const n = name.toLowerCase();
    const v = quoted ? null : value;
    if (
      n === 'ttl'
        ? !/^\d{1,3}$/.test(v!) || Number(v) > 255
        : n === 'rport'
          ? value !== null && (!/^\d{1,5}$/.test(v!) || Number(v) > 65535)
          : n === 'branch'
            ? v === null || !isToken(v)
            : n === 'received'
              ? v === null ||
                !(v[0] === '['
                  ? isIPv6Reference(v)
                  : (hostError(v) < 0 && hostWasIPv4) || isIPv6Reference(`[${v}]`))
              : n === 'maddr' && (v === null || hostError(v) >= 0)
    )
      s.fail(`bad ${n}`);
  }
}

/** Parses one via-parm. */
export function parseVia(value: string, header = 'via'): Via {
  const s = new Scanner(value, header);
  s.skipWs();
  const name = s.token('protocol name');
  s.expect(47, "'/'");
  const version = s.token('protocol version');
  s.expect(47, "'/'");
  const transport = s.token('transport').toUpperCase();
  s.lws('sent-by');
  let host: string;
  if (s.peek() === 91) {
    const end = value.indexOf(']', s.pos);
    if (end < 0) s.fail('unterminated IPv6 reference');
    host = value.slice(s.pos, end + 1);
    if (!isIPv6Reference(host)) s.fail('bad IPv6 reference');
    s.pos = end + 1;
  } else {
    const end = hostEnd(bytesOf(value, 0, value.length), s.pos, value.length);
    if (end < 0) s.fail('not a host', -1 - end);
    host = value.slice(s.pos, end);
    s.pos = end;
  }
  let port: number | undefined;
  if (s.eat(58)) port = s.integer(65535, 'port');
  const params = readParams(s);
  s.end();
  checkParams(s, params);
  return new Via(transport, host, port, params, `${name}/${version}`);
}

/** Parses a Via header value that may carry several comma-separated via-parms. */
export function parseViaList(value: string, header = 'via'): Via[] {
  return splitTopLevel(value, header).map((part) => {
    if (part.length === 0) throw new SipParseError('BAD_VALUE', 'empty Via element', 0, header);
    return parseVia(part, header);
  });
}

/**
 * @internal Fast path for one via-parm from `p` in `t` (up to `end`), for {@link elementsAt}:
 * `SIP/2.0/` exactly, a transport, white space, a hostname, IPv4 or IPv6 host with an optional
 * port right after it, and parameters that pass parseVia's checks ({@link paramsEnd}). Undefined
 * for anything else.
 */
export function viaAt(
  b: Uint8Array,
  t: string,
  p: number,
  end: number,
  message: Uint8Array | undefined,
): Via | undefined {
  p = runEnd(b, p, end, WS);
  if (end - p < 9 || !isSip20(b, p)) return undefined;
  p += 8;
  let q = runEnd(b, p, end, TOKEN);
  if (q === p) return undefined;
  const transport = transportAt(b, t, p, q);
  // White space, then the host.
  p = runEnd(b, q, end, WS);
  if (p === q) return undefined;
  if (p < end && b[p] === 91) {
    q = runEnd(b, p + 1, end, IPV6);
    if (q === p + 1 || q >= end || b[q] !== 93 || !isIPv6Reference(t.slice(p, ++q))) return undefined;
  } else {
    q = hostEnd(b, p, end);
    if (q < 0) return undefined;
  }
  const host = t.slice(p, q);
  let port: number | undefined;
  if (q < end && b[q] === 58) {
    p = q + 1;
    q = runEnd(b, p, end, DIGIT);
    port = digitsAt(b, p, q, 5);
    if (port < 0 || port > 65535) return undefined;
  }
  const stop = paramsEnd(b, q, end, true);
  if (stop < 0) return undefined;
  return new Via(transport, host, port, Params.unread(t, q, stop, false, message, firstValueEnd));
}

/**
 * The transport token `t.slice(p, q)` upper-cased. The usual upper-case ones are given as
 * constants: no string to make, and no letter to look at again.
 */
function transportAt(b: Uint8Array, t: string, p: number, q: number): string {
  const n = q - p;
  const c = b[p];
  if (n === 3) {
    const d = b[p + 1];
    const e = b[p + 2];
    if (c === 85 && d === 68 && e === 80) return 'UDP';
    if (c === 84 && d === 67 && e === 80) return 'TCP';
    if (c === 84 && d === 76 && e === 83) return 'TLS';
    if (c === 87 && d === 83 && e === 83) return 'WSS';
  } else if (n === 2 && c === 87 && b[p + 1] === 83) return 'WS';
  const transport = t.slice(p, q);
  for (let i = p; i < q; i++) if (b[i]! >= 97 && b[i]! <= 122) return transport.toUpperCase();
  return transport;
}

/** True when `b` from `p` holds `SIP/2.0/`; written out, as a loop over a string costs more. */
function isSip20(b: Uint8Array, p: number): boolean {
  return (
    b[p] === 83 &&
    b[p + 1] === 73 &&
    b[p + 2] === 80 &&
    b[p + 3] === 47 &&
    b[p + 4] === 50 &&
    b[p + 5] === 46 &&
    b[p + 6] === 48 &&
    b[p + 7] === 47
  );
}
