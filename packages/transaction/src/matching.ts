import type { SipRequest, SipResponse, Via } from '@sipkit/parser';
import { bareHost } from './via-rules.js';

/**
 * Transaction keys. RFC 3261 section 17.1.3 matches a response to a client transaction by the
 * top Via branch and the CSeq method; section 17.2.3 matches a request to a server transaction
 * by branch, sent-by and method (ACK counts as INVITE). Requests whose branch lacks the magic
 * cookie (RFC 2543 peers, or a bare cookie as in RFC 4475 3.2.1) fall back to the older rule:
 * Request-URI, From tag, Call-ID, CSeq, top Via, and a To tag checked separately.
 */

/** Header values read defensively: a malformed header yields undefined instead of throwing. */
function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Key of a client transaction from the Via branch it put on the request and its method. */
export function clientKey(branch: string, method: string): string {
  return `${branch}\n${method}`;
}

/** Key of the client transaction a response belongs to, or undefined when it has no usable Via/CSeq. */
export function responseKey(response: SipResponse): string | undefined {
  const branch = safe(() => response.topVia?.branch);
  const method = safe(() => response.cseq?.method);
  if (branch === undefined || method === undefined) return undefined;
  return clientKey(branch, method);
}

/** The method a request matches server transactions with: ACK joins its INVITE. */
function matchMethod(method: string): string {
  return method === 'ACK' ? 'INVITE' : method;
}

/**
 * Key of the server transaction a request belongs to. `top` is the top Via as received, before
 * `received`/`rport` were stamped on it. `asMethod` overrides the method (CANCEL looks for INVITE).
 */
export function serverKey(request: SipRequest, top: Via, asMethod?: string): string {
  const method = asMethod ?? matchMethod(request.method);
  // An RFC 3261 branch: the magic cookie plus something.
  if (top.rfc3261) {
    return `3261\n${top.branch}\n${bareHost(top.host)}:${top.port ?? ''}\n${method}`;
  }
  const fromTag = safe(() => request.from?.tag) ?? '';
  const callId = safe(() => request.callId) ?? '';
  const seq = safe(() => request.cseq?.seq) ?? '';
  return `2543\n${request.uri}\n${fromTag}\n${callId}\n${seq}\n${method}\n${top}`;
}

/** The To tag of a request, or undefined (also when To is malformed). */
export function toTag(request: SipRequest): string | undefined {
  return safe(() => request.to?.tag);
}

/**
 * Key that finds merged requests (RFC 3261 section 8.2.2.2): the same request reaching a UAS
 * twice along different paths, seen by From tag, Call-ID and CSeq on a request without To tag.
 */
export function mergeKey(request: SipRequest): string | undefined {
  if (toTag(request) !== undefined) return undefined;
  const fromTag = safe(() => request.from?.tag);
  const callId = safe(() => request.callId);
  const cseq = safe(() => request.cseq);
  if (fromTag === undefined || callId === undefined || cseq === undefined) return undefined;
  return `${fromTag}\n${callId}\n${cseq.seq} ${cseq.method}`;
}
