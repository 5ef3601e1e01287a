import { Headers, SipRequest, type SipResponse } from '@sipkit/parser';

/** Copies the route set lines (Route) of `from` into `to`, in order. */
function copyRoutes(from: SipRequest, to: Headers): void {
  for (const r of from.headers.getAll('route')) to.append('Route', r);
}

/**
 * The ACK a client INVITE transaction sends for a 300-699 response (RFC 3261 section
 * 17.1.1.3): same Request-URI, Call-ID, From and CSeq number as the INVITE, To from the
 * response (it carries the tag), only the INVITE's top Via (so it matches the same server
 * transaction) and the INVITE's Route set.
 */
export function createNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const h = new Headers();
  const via = invite.headers.typed('via')[0];
  if (via) h.append('Via', via.toString());
  h.append('Max-Forwards', 70);
  h.append('From', invite.headers.get('from') ?? '');
  h.append('To', response.headers.get('to') ?? invite.headers.get('to') ?? '');
  h.append('Call-ID', invite.headers.get('call-id') ?? '');
  h.append('CSeq', `${invite.cseq?.seq ?? 0} ACK`);
  copyRoutes(invite, h);
  return new SipRequest('ACK', invite.uri, h);
}

/**
 * A CANCEL for `request` (RFC 3261 section 9.1): same Request-URI, Call-ID, To, From and CSeq
 * number, only the top Via of the request (same branch, so it matches the INVITE's server
 * transaction at the next hop) and the same Route set.
 */
export function createCancel(request: SipRequest): SipRequest {
  const h = new Headers();
  const via = request.headers.typed('via')[0];
  if (via) h.append('Via', via.toString());
  h.append('Max-Forwards', 70);
  h.append('From', request.headers.get('from') ?? '');
  h.append('To', request.headers.get('to') ?? '');
  h.append('Call-ID', request.headers.get('call-id') ?? '');
  h.append('CSeq', `${request.cseq?.seq ?? 0} CANCEL`);
  copyRoutes(request, h);
  return new SipRequest('CANCEL', request.uri, h);
}
