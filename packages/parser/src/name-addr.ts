import { SipParseError } from './errors.js';
import { firstValueEnd, paramsEnd, quotedEnd, runEnd, WS } from './fast-scan.js';
import { Params, readParams } from './params.js';
import { expiry } from './scalar-headers.js';
import { isToken, isTokenChar, quote, Scanner, splitTopLevel, trimLws } from './scanner.js';
import { parseUri, parseUriAt, sipUriScan, type Uri, uriScanStop } from './uri.js';

/**
 * `name-addr` / `addr-spec` with header parameters: the value of From, To, Contact, Route,
 * Record-Route, Reply-To, Refer-To, Path and Service-Route. One read from a message's headers is
 * a read-only view of its line (see {@link Headers.typed}); one made or parsed on its own is
 * yours to change and write with `headers.set`.
 */
export class NameAddr {
  constructor(
    /** The address (inside the angle brackets when they were written). */
    public uri: Uri,
    /** Display name with quoting resolved; undefined when none was written. */
    public displayName?: string,
    /** Header parameters (after the URI), not URI parameters. */
    public params: Params = new Params(),
  ) {}

  /** The `tag` parameter (From / To). */
  get tag(): string | undefined {
    return this.params.find('tag') ?? undefined;
  }

  /**
   * Contact `expires` in seconds, when present and a number (`delta-seconds`). A number beyond
   * 2**32 - 1 gives 3600: RFC 4475 section 3.1.2.4 lets such an expiry be taken as the default,
   * as RFC 3261 section 20.10 does for a malformed one. The Expires header reads the same way.
   */
  get expires(): number | undefined {
    return expiry(numberParam(this.params.find('expires')));
  }

  /**
   * Contact `q` value (0 to 1, RFC 3261 `qvalue`: at most 3 decimals), when present and valid;
   * any other value is treated as absent (no preference).
   */
  get q(): number | undefined {
    const v = this.params.find('q');
    // (test() of null or undefined reads the word, which does not match.)
    return /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(v!) ? Number(v) : undefined;
  }

  /** RFC 5627 `pub-gruu`: the public GRUU a registrar assigned to this Contact (quotes removed). */
  get pubGruu(): string | undefined {
    return this.params.find('pub-gruu') ?? undefined;
  }

  /** RFC 5627 `temp-gruu`: the latest temporary GRUU a registrar assigned to this Contact. */
  get tempGruu(): string | undefined {
    return this.params.find('temp-gruu') ?? undefined;
  }

  /** RFC 5626 `+sip.instance` with its angle brackets and quotes removed. */
  get instance(): string | undefined {
    const v = this.params.find('+sip.instance');
    return v == null ? undefined : v.replace(/^<(.*)>$/, '$1');
  }

  /** RFC 5626 `reg-id`. */
  get regId(): number | undefined {
    return numberParam(this.params.find('reg-id'));
  }

  /** A deep copy, so changing the copy's URI or parameters leaves this one alone. */
  clone(): NameAddr {
    return new NameAddr(parseUri(this.uri.toString()), this.displayName, this.params.clone());
  }

  /** The value as written on the wire; the URI is always in angle brackets. */
  toString(): string {
    const dn = this.displayName === undefined ? '' : `${quote(this.displayName)} `;
    return `${dn}<${this.uri}>${this.params}`;
  }
}

function numberParam(v: string | null | undefined): number | undefined {
  return v == null || !/^\d+$/.test(v) ? undefined : Number(v);
}

/** Parses one name-addr or addr-spec followed by parameters. */
export function parseNameAddr(value: string, header?: string): NameAddr {
  const s = new Scanner(value, header);
  s.skipWs();
  let displayName: string | undefined;
  let uri: Uri;
  const c = s.peek();
  if (c === 34) {
    displayName = s.quoted();
    s.skipWs();
    uri = readAngleUri(s);
  } else if (c === 60) {
    uri = readAngleUri(s);
  } else {
    const lt = value.indexOf('<', s.pos);
    if (lt >= 0) {
      // display-name = *(token LWS): every character before '<' must be a token char or space.
      const dn = trimLws(value.slice(s.pos, lt));
      for (let i = 0; i < dn.length; i++) {
        const ch = dn.charCodeAt(i);
        if (!isTokenChar(ch) && ch !== 32 && ch !== 9) s.fail('display name must be tokens or quoted', i);
      }
      if (dn.length > 0) displayName = dn.replace(/[ \t]+/g, ' ');
      s.pos = lt;
      uri = readAngleUri(s);
    } else {
      // addr-spec: the URI cannot hold ';', ',' or '?' here, so it ends at ';' or white space.
      const start = s.pos;
      while (!s.done) {
        const ch = s.peek();
        if (ch === 59 || ch === 32 || ch === 9) break;
        if (ch === 63) s.fail("addr-spec with '?' must be in angle brackets");
        s.pos++;
      }
      uri = parseUriAt(value.slice(start, s.pos), start, header);
    }
  }
  const params = readParams(s);
  s.end();
  return new NameAddr(uri, displayName, params);
}

function readAngleUri(s: Scanner): Uri {
  if (s.peek() !== 60) s.fail("expected '<'");
  const start = s.pos + 1;
  const end = s.text.indexOf('>', start);
  if (end < 0) s.fail("missing '>'", start);
  s.pos = end + 1;
  return parseUriAt(s.text.slice(start, end), start, s.header);
}

/**
 * Parses a From or To value: a name-addr whose `tag` parameters are tokens (RFC 3261 `tag-param`;
 * a quoted or empty tag would not compare as the dialog's). Throws {@link SipParseError}
 * `BAD_VALUE` at the end of the value for one that is not.
 */
export function parseFromTo(value: string, header = 'from'): NameAddr {
  const na = parseNameAddr(value, header);
  for (const p of na.params)
    if (p.name.toLowerCase() === 'tag' && (p.value === null || p.quoted || !isToken(p.value)))
      throw new SipParseError('BAD_VALUE', 'tag is not a token', value.length, header);
  return na;
}

/** Parses a comma-separated list of name-addr values (Route, Record-Route, Path, Contact, ...). */
export function parseNameAddrList(value: string, header?: string): NameAddr[] {
  return splitTopLevel(value, header).map((part) => {
    if (part.length === 0) throw new SipParseError('BAD_VALUE', 'empty list element', 0, header);
    return parseNameAddr(part, header);
  });
}

/** The Contact header value `*` (RFC 3261 section 10.2.2), used to remove every binding. */
export const STAR = '*' as const;

/** Parses a Contact header value: `*` or a list of name-addr. */
export function parseContact(value: string, header = 'contact'): NameAddr[] | typeof STAR {
  return trimLws(value) === '*' ? STAR : parseNameAddrList(value, header);
}

/**
 * @internal Fast path for one name-addr from `p` in `t` (up to `end`), for {@link elementsAt}:
 * an optional quoted display name without quoted-pairs, a SIP URI in angle brackets as
 * {@link sipUriScan} takes it, and parameters as {@link paramsEnd} takes them (a `tag` a token,
 * as From and To need), read from `b`. Undefined for anything else (the string-level parser then
 * decides).
 */
export function nameAddrAt(
  b: Uint8Array,
  t: string,
  p: number,
  end: number,
  message: Uint8Array | undefined,
): NameAddr | undefined {
  p = runEnd(b, p, end, WS);
  let displayName: string | undefined;
  if (p < end && b[p] === 34) {
    const close = quotedEnd(b, p + 1, end);
    if (close < 0) return undefined;
    displayName = t.slice(p + 1, close);
    p = runEnd(b, close + 1, end, WS);
  }
  if (p >= end || b[p] !== 60) return undefined;
  const uri = sipUriScan(b, t, p + 1, end);
  if (uri === undefined) return undefined;
  p = uriScanStop;
  if (p >= end || b[p] !== 62) return undefined;
  const stop = paramsEnd(b, p + 1, end, false);
  if (stop < 0) return undefined;
  return new NameAddr(uri, displayName, Params.unread(t, p + 1, stop, false, message, firstValueEnd));
}
