import { utf8Encoder } from './codecs.js';
import { SipParseError } from './errors.js';
import { type HeaderInput, Headers } from './headers.js';
import { SipRequest, SipResponse } from './message.js';
import { parseNameAddr } from './name-addr.js';
import { NOT_TOKEN, refuse } from './scanner.js';
import { startLine } from './serialize.js';
import { parseUri, type Uri } from './uri.js';

/** What {@link createRequest} needs; header values may be typed objects (their `toString()` is written). */
export interface RequestInit {
  /** Request method (`REGISTER`, `INVITE`, ...), written as given; a token. */
  method: string;
  /** Request-URI; a string is parsed with {@link parseUri}. */
  uri: Uri | string;
  /** Headers in the order they are written; arrays give one line per element. */
  headers?: Record<string, HeaderInput | HeaderInput[]> | ReadonlyArray<readonly [string, HeaderInput]>;
  /** Body bytes; a string is encoded as UTF-8. Content-Length follows it. */
  body?: Uint8Array | string;
}

function fillHeaders(h: Headers, init: RequestInit['headers']): void {
  if (!init) return;
  const entries: Iterable<readonly [string, HeaderInput | HeaderInput[]]> = isEntryList(init)
    ? init
    : Object.entries(init);
  for (const [name, value] of entries) {
    if (Array.isArray(value)) for (const v of value) h.append(name, v);
    else h.append(name, value);
  }
}

function isEntryList(
  init: NonNullable<RequestInit['headers']>,
): init is ReadonlyArray<readonly [string, HeaderInput]> {
  return Array.isArray(init);
}

function bodyBytes(body: Uint8Array | string | undefined): Uint8Array | undefined {
  return typeof body === 'string' ? utf8Encoder.encode(body) : body;
}

/**
 * Builds a request. Content-Length is always written from the body when serialised. Throws
 * {@link SipParseError} for what could not be read back: a start line {@link startLine}
 * refuses, or a header line {@link Headers.append} refuses.
 */
export function createRequest(init: RequestInit): SipRequest {
  const headers = new Headers();
  fillHeaders(headers, init.headers);
  const uri = typeof init.uri === 'string' ? parseUri(init.uri) : init.uri;
  const request = new SipRequest(init.method, uri, headers, bodyBytes(init.body));
  startLine(request);
  return request;
}

/** Default reason phrases (RFC 3261 section 21 and later RFCs). */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  204: 'No Notification',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  305: 'Use Proxy',
  380: 'Alternative Service',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  421: 'Extension Required',
  422: 'Session Interval Too Small',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  485: 'Ambiguous',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  489: 'Bad Event',
  491: 'Request Pending',
  493: 'Undecipherable',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

/** Options for {@link createResponse}. */
export interface ResponseInit {
  /** Reason phrase; defaults to {@link REASON_PHRASES} for the status, or empty. No control characters but HTAB. */
  reason?: string;
  /** To-tag to add when the request's To has none (RFC 3261 section 8.2.6.2; not for 100); a token. */
  toTag?: string;
  /** Headers appended after the ones copied from the request, in the same forms as {@link RequestInit.headers}. */
  headers?: RequestInit['headers'];
  /** Body bytes; a string is encoded as UTF-8. Content-Length follows it. */
  body?: Uint8Array | string;
}

/**
 * Builds a response to `request` as RFC 3261 section 8.2.6.2 says: Via (all, in order), From,
 * Call-ID, CSeq and To copied (To gets `toTag` if it has none, except for 100), and for
 * 100 Trying a copied Timestamp. Record-Route is copied for 18x/2xx to dialog-creating requests.
 * Works on malformed requests too (what is missing is not copied), as 400 answers need. Throws
 * {@link SipParseError} for what could not be read back: a status (`BAD_STATUS`: not an integer
 * from 100 to 699) or reason {@link startLine} refuses, a `toTag` that is not a token
 * (`BAD_VALUE`), a header line {@link Headers.append} refuses.
 */
export function createResponse(request: SipRequest, status: number, init: ResponseInit = {}): SipResponse {
  if (init.toTag !== undefined) refuse(init.toTag, NOT_TOKEN, 'BAD_VALUE', 'To tag must be a token', 0, 'to');
  const h = new Headers();
  const src = request.headers;
  /** Copies the first line of `name`, if there is one. */
  const copy = (name: string) => {
    const v = src.get(name);
    if (v !== undefined) h.append(name, v);
  };
  for (const v of src.getAll('via')) h.append('Via', v);
  copy('From');
  const to = src.get('to');
  if (to !== undefined) h.append('To', status === 100 ? to : withToTag(to, init.toTag));
  copy('Call-ID');
  copy('CSeq');
  if (status === 100) copy('Timestamp');
  if (status > 100 && status < 300 && (request.method === 'INVITE' || request.method === 'SUBSCRIBE')) {
    for (const rr of src.getAll('record-route')) h.append('Record-Route', rr);
  }
  fillHeaders(h, init.headers);
  const response = new SipResponse(
    status,
    init.reason ?? REASON_PHRASES[status] ?? '',
    h,
    bodyBytes(init.body),
  );
  startLine(response);
  return response;
}

/** Adds `;tag=` to a raw To value unless it has one; a To that does not parse is echoed as is. */
function withToTag(raw: string, tag: string | undefined): string {
  if (tag === undefined) return raw;
  try {
    const to = parseNameAddr(raw, 'to');
    if (to.tag !== undefined) return raw;
    // The tag is a token and the display name came from a header line: this cannot throw.
    to.params.set('tag', tag);
    return to.toString();
  } catch (e) {
    if (e instanceof SipParseError) return raw;
    throw e;
  }
}
