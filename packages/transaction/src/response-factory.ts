import { Headers, type SipRequest, SipResponse } from '@sipkit/parser';
import { reasonPhrase } from './reason-phrases.js';

/** Options for {@link createResponse}. */
export interface ResponseOptions {
  /** Reason phrase; defaults to the usual one for the status. */
  reason?: string;
  /**
   * Tag to add to To when the request's To has none (RFC 3261 section 8.2.6.2). Ignored for 100
   * Trying, which never carries a To tag the UAS chose.
   */
  toTag?: string;
  /** Extra header lines appended after the copied ones. */
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Uint8Array;
}

/**
 * Builds a response to `request` as RFC 3261 section 8.2.6.2 says: Via (all values, in order),
 * From, To, Call-ID and CSeq are copied; for 100 Trying a Timestamp is copied as well.
 * Works on malformed requests too (headers that are missing are simply not copied), which is
 * what transaction-layer 400 answers need.
 */
export function createResponse(
  request: SipRequest,
  status: number,
  options: ResponseOptions = {},
): SipResponse {
  const h = new Headers();
  for (const v of request.headers.getAll('via')) h.append('Via', v);
  const from = request.headers.get('from');
  if (from !== undefined) h.append('From', from);
  const to = request.headers.get('to');
  if (to !== undefined) h.append('To', withToTag(to, status === 100 ? undefined : options.toTag));
  const callId = request.headers.get('call-id');
  if (callId !== undefined) h.append('Call-ID', callId);
  const cseq = request.headers.get('cseq');
  if (cseq !== undefined) h.append('CSeq', cseq);
  if (status === 100) {
    const ts = request.headers.get('timestamp');
    if (ts !== undefined) h.append('Timestamp', ts);
  }
  for (const [name, value] of options.headers ?? []) h.append(name, value);
  return new SipResponse(status, options.reason ?? reasonPhrase(status), h, options.body);
}

/** Adds `;tag=` to a raw To value unless it already has one (checked on the parsed value). */
function withToTag(raw: string, tag: string | undefined): string {
  if (tag === undefined) return raw;
  // The raw value is only rewritten when it parses; a malformed To is echoed unchanged.
  try {
    const h = new Headers().append('To', raw);
    const to = h.first('to');
    if (!to || to.tag !== undefined) return raw;
    to.params.set('tag', tag);
    return to.toString();
  } catch {
    return raw;
  }
}
