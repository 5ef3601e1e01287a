import { type AuthValue, parseAuth } from './auth.js';
import { type CSeq, parseCSeq } from './cseq.js';
import { type NameAddr, parseContact, parseNameAddr, parseNameAddrList, type STAR } from './name-addr.js';
import {
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
import { parseViaList, type Via } from './via.js';

/**
 * The typed value of each header the parser understands, keyed by lower-case long name. List
 * headers (`via`, `route`, `supported`, ...) give one entry per comma-separated element across
 * all header lines; single-valued ones give one entry per header line.
 */
export interface HeaderTypes {
  via: Via;
  from: NameAddr;
  to: NameAddr;
  'call-id': string;
  cseq: CSeq;
  contact: NameAddr | typeof STAR;
  route: NameAddr;
  'record-route': NameAddr;
  path: NameAddr;
  'service-route': NameAddr;
  'reply-to': NameAddr;
  'refer-to': NameAddr;
  'referred-by': NameAddr;
  'p-asserted-identity': NameAddr;
  'max-forwards': number;
  expires: number;
  'min-expires': number;
  'content-length': number;
  rseq: number;
  'content-type': MediaType;
  accept: MediaType;
  'www-authenticate': AuthValue;
  'proxy-authenticate': AuthValue;
  authorization: AuthValue;
  'proxy-authorization': AuthValue;
  'retry-after': ParamValue<number>;
  'session-expires': ParamValue<number>;
  'min-se': ParamValue<number>;
  supported: string;
  require: string;
  'proxy-require': string;
  unsupported: string;
  allow: string;
  'allow-events': string;
  rack: RAck;
  event: ParamValue;
  'subscription-state': ParamValue;
  replaces: Replaces;
  'security-client': ParamValue;
  'security-server': ParamValue;
  'security-verify': ParamValue;
  date: Date;
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
  from: one(parseNameAddr),
  to: one(parseNameAddr),
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
  expires: int(),
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
