import type { SipResponse } from '@sipkit/parser';

const local = new WeakSet<SipResponse>();

/** @internal Marks a response the stack made up (408 for a timeout, 503 for a transport error). */
export function markLocal(response: SipResponse): SipResponse {
  local.add(response);
  return response;
}

/**
 * True for responses the transaction layer synthesised instead of receiving (the 408 for a
 * timeout and the 503 for a transport error), so a TU can tell them from a server's answer.
 */
export function isLocalResponse(response: SipResponse): boolean {
  return local.has(response);
}
