import { type AuthValue, parseAuth } from './auth.js';
import { type CSeq, cseqAt, parseCSeq } from './cseq.js';
import { elementsAt } from './fast-scan.js';
import {
  type NameAddr,
  nameAddrAt,
  parseContact,
  parseFromTo,
  parseNameAddr,
  parseNameAddrList,
  type STAR,
} from './name-addr.js';
import {
  callIdAt,
  expiry,
  type MediaType,
  type ParamValue,
  parseAccept,
  parseCallId,
  parseDate,
  parseDeltaWithParams,
  parseInteger,
  parseMediaType,
  parseRAck,
  parseReplaces,
  parseTokenList,
  parseTokenWithParams,
  parseTokenWithParamsList,
  parseWarningList,
  type RAck,
  type Replaces,
  type Warning,
} from './scalar-headers.js';
import { parseViaList, type Via, viaAt } from './via.js';

/**
 * The typed value of each header the parser understands, keyed by lower-case long name. List
 * headers (`via`, `route`, `supported`, ...) give one entry per comma-separated element across
 * all header lines; single-valued ones give one entry per header line.
 */
export interface HeaderTypes {
  /** One Via element per hop, topmost first (comma lists and lines flattened). */
  via: Via;
  /** From: the request's originator, with its `tag`. */
  from: NameAddr;
  /** To: the logical recipient, with the `tag` once a dialog has one. */
  to: NameAddr;
  /** Call-ID as written (`word [@ word]`). */
  'call-id': string;
  /** CSeq: sequence number and method. */
  cseq: CSeq;
  /** Contact bindings, or a single `'*'` (remove all, in REGISTER). */
  contact: NameAddr | typeof STAR;
  /** Route set the request is sent along, first hop first. */
  route: NameAddr;
  /** Record-Route entries, as proxies added them (topmost first). */
  'record-route': NameAddr;
  /** Path (RFC 3327): proxies the registrar routes inbound requests through. */
  path: NameAddr;
  /** Service-Route (RFC 3608): the route a registrar gives for outgoing requests. */
  'service-route': NameAddr;
  /** Reply-To: where the user would like replies sent. */
  'reply-to': NameAddr;
  /** Refer-To (RFC 3515): the target a REFER asks to contact. */
  'refer-to': NameAddr;
  /** Referred-By (RFC 3892): who sent the REFER. */
  'referred-by': NameAddr;
  /** P-Asserted-Identity (RFC 3325): identities asserted by a trusted proxy. */
  'p-asserted-identity': NameAddr;
  /** Max-Forwards: hops left, 0 to 255. */
  'max-forwards': number;
  /** Expires in seconds; a value beyond 2**32 - 1 reads as 3600 (RFC 4475 section 3.1.2.4). */
  expires: number;
  /** Min-Expires (in a 423): the shortest registration interval the server accepts, in seconds. */
  'min-expires': number;
  /** Content-Length: body size in bytes. */
  'content-length': number;
  /** RSeq (RFC 3262): sequence number of a reliable provisional response. */
  rseq: number;
  /** Content-Type of the body. */
  'content-type': MediaType;
  /** Accept: media types the sender understands (may be empty). */
  accept: MediaType;
  /** WWW-Authenticate challenge of a 401. */
  'www-authenticate': AuthValue;
  /** Proxy-Authenticate challenge of a 407. */
  'proxy-authenticate': AuthValue;
  /** Authorization credentials answering a 401. */
  authorization: AuthValue;
  /** Proxy-Authorization credentials answering a 407. */
  'proxy-authorization': AuthValue;
  /** Retry-After: seconds to wait, with parameters such as `duration`. */
  'retry-after': ParamValue<number>;
  /** Session-Expires (RFC 4028): interval in seconds, `refresher` parameter. */
  'session-expires': ParamValue<number>;
  /** Min-SE (RFC 4028): the smallest session interval accepted, in seconds. */
  'min-se': ParamValue<number>;
  /** Supported: option tags the sender supports, one per entry. */
  supported: string;
  /** Require: option tags the receiver must support. */
  require: string;
  /** Proxy-Require: option tags proxies must support. */
  'proxy-require': string;
  /** Unsupported (in a 420): option tags the server does not support. */
  unsupported: string;
  /** Allow: methods the sender accepts. */
  allow: string;
  /** Allow-Events (RFC 6665): event packages the sender accepts. */
  'allow-events': string;
  /** RAck (RFC 3262): acknowledges a reliable provisional response in PRACK. */
  rack: RAck;
  /** Event (RFC 6665): event package and its parameters (`id`). */
  event: ParamValue;
  /** Subscription-State (RFC 6665): `active`, `pending` or `terminated` with `expires`, `reason`. */
  'subscription-state': ParamValue;
  /** Replaces (RFC 3891): the dialog an INVITE replaces. */
  replaces: Replaces;
  /** Security-Client (RFC 3329): mechanisms the client offers. */
  'security-client': ParamValue;
  /** Security-Server (RFC 3329): mechanisms the server supports. */
  'security-server': ParamValue;
  /** Security-Verify (RFC 3329): the server's list echoed back by the client. */
  'security-verify': ParamValue;
  /** Date: an RFC 1123 date in GMT. */
  date: Date;
  /** Warning: one code, agent and text per entry. */
  warning: Warning;
}

/** Header keys with a typed parser. */
export type KnownHeader = keyof HeaderTypes;

type Parser = (value: string, header: string) => unknown[];

const one =
  <T>(f: (v: string, h: string) => T): Parser =>
  (v, h) => [f(v, h)];

const int = (max?: number): Parser => one((v, h) => parseInteger(v, h, max));

/** Which parser reads each known header; list parsers return every element of one line. */
export const HEADER_PARSERS: Record<KnownHeader, Parser> = {
  via: parseViaList,
  from: one(parseFromTo),
  to: one(parseFromTo),
  'call-id': one(parseCallId),
  cseq: one(parseCSeq),
  contact: (v, h) => {
    const c = parseContact(v, h);
    return typeof c === 'string' ? [c] : c;
  },
  route: parseNameAddrList,
  'record-route': parseNameAddrList,
  path: parseNameAddrList,
  'service-route': parseNameAddrList,
  'reply-to': one(parseNameAddr),
  'refer-to': one(parseNameAddr),
  'referred-by': one(parseNameAddr),
  'p-asserted-identity': parseNameAddrList,
  'max-forwards': int(255),
  // Beyond 2**32 - 1 the default, 3600, as a Contact's expires (RFC 4475 3.1.2.4): no 400 for it.
  expires: one((v, h) => expiry(parseInteger(v, h, Infinity))),
  'min-expires': int(),
  'content-length': int(),
  rseq: int(),
  'content-type': one(parseMediaType),
  accept: parseAccept,
  'www-authenticate': one(parseAuth),
  'proxy-authenticate': one(parseAuth),
  authorization: one(parseAuth),
  'proxy-authorization': one(parseAuth),
  'retry-after': one(parseDeltaWithParams),
  'session-expires': one(parseDeltaWithParams),
  'min-se': one(parseDeltaWithParams),
  supported: parseTokenList,
  require: parseTokenList,
  'proxy-require': parseTokenList,
  unsupported: parseTokenList,
  allow: parseTokenList,
  'allow-events': parseTokenList,
  rack: one(parseRAck),
  event: one(parseTokenWithParams),
  'subscription-state': one(parseTokenWithParams),
  replaces: one(parseReplaces),
  'security-client': parseTokenWithParamsList,
  'security-server': parseTokenWithParamsList,
  'security-verify': parseTokenWithParamsList,
  date: one(parseDate),
  warning: parseWarningList,
};

/** Headers that may appear at most once (RFC 3261 section 7.3.1: not comma-list headers). */
export const SINGLE_VALUED: readonly KnownHeader[] = [
  'from',
  'to',
  'call-id',
  'cseq',
  'max-forwards',
  'content-length',
  'content-type',
  'expires',
  'min-expires',
  'rseq',
  'rack',
  'session-expires',
  'min-se',
  'retry-after',
  'event',
  'subscription-state',
  'refer-to',
  'replaces',
  'date',
];

/** True when `key` has a typed parser. */
export function isKnownHeader(key: string): key is KnownHeader {
  return Object.hasOwn(HEADER_PARSERS, key);
}

/**
 * @internal Parses the value `t.slice(start, end)` of a known header into a new list of its
 * elements (what {@link Headers.typed} collects across lines). The fast paths take the common
 * shapes of the hot headers (the hottest first), reading `b` when given (the message bytes `t`
 * is the ASCII decoding of); whatever they leave goes to {@link HEADER_PARSERS}.
 */
export function parseHeader(
  key: KnownHeader,
  t: string,
  start: number,
  end: number,
  b?: Uint8Array,
): unknown[] {
  switch (key) {
    case 'via': {
      const v = elementsAt(viaAt, t, start, end, true, b);
      if (v !== undefined) return v;
      break;
    }
    case 'from':
    case 'to':
    case 'reply-to':
    case 'refer-to':
    case 'referred-by': {
      const v = elementsAt(nameAddrAt, t, start, end, false, b);
      if (v !== undefined) return v;
      break;
    }
    case 'call-id': {
      const v = callIdAt(t, start, end, b);
      if (v !== undefined) return [v];
      break;
    }
    case 'cseq': {
      const v = cseqAt(t, start, end, b);
      if (v !== undefined) return [v];
      break;
    }
    // `Contact: *` is left to parseContact.
    case 'contact':
    case 'route':
    case 'record-route':
    case 'path':
    case 'service-route':
    case 'p-asserted-identity': {
      const v = elementsAt(nameAddrAt, t, start, end, true, b);
      if (v !== undefined) return v;
    }
  }
  return HEADER_PARSERS[key](t.slice(start, end), key);
}
