/**
 * @sipkit/parser: the SIP message model, parsing from bytes, serialising, stream framing and
 * the comparison rules of RFC 3261.
 * @packageDocumentation
 */
export { AuthValue, parseAuth } from './auth.js';
export {
  createRequest,
  createResponse,
  REASON_PHRASES,
  type RequestInit,
  type ResponseInit,
} from './builder.js';
export { paramsEqual, uriEquals } from './compare.js';
export { CSeq, MAX_UINT32, parseCSeq } from './cseq.js';
export { SipParseError, type SipParseErrorCode } from './errors.js';
export { canonicalName, headerKey } from './header-names.js';
export {
  HEADER_PARSERS,
  type HeaderTypes,
  isKnownHeader,
  type KnownHeader,
  SINGLE_VALUED,
} from './header-types.js';
export { type HeaderInput, Headers } from './headers.js';
export { DEFAULT_LIMITS, type ParseLimits } from './limits.js';
export { type SipMessage, SipRequest, SipResponse } from './message.js';
export { NameAddr, parseContact, parseNameAddr, parseNameAddrList, STAR } from './name-addr.js';
export { type Param, Params } from './params.js';
export { type Framing, findHeaderEnd, type ParseOptions, parseMessage } from './parse.js';
export {
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
  parseWarningList,
  type RAck,
  type Replaces,
  type Warning,
} from './scalar-headers.js';
export { isToken, quote } from './scanner.js';
export { headerText, serialize, startLine } from './serialize.js';
export { StreamFramer, type StreamFramerOptions, type StreamItem } from './stream-framer.js';
export { AbsoluteUri, parseUri, SipUri, TelUri, type Uri } from './uri.js';
export { type MessageProblem, validateMessage } from './validate.js';
export { BRANCH_COOKIE, parseVia, parseViaList, Via } from './via.js';
