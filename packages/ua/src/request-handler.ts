import { createResponse, type SipRequest } from '@sipkit/parser';
import type { ServerTransaction, TransactionUser } from '@sipkit/transaction';

/** Methods this user agent answers today. */
export const ALLOWED_METHODS = ['OPTIONS'] as const;

/**
 * The user agent's transaction user for requests from the network: OPTIONS gets 200 with
 * Allow, Accept and Supported (RFC 3261 section 11.2); any other method 405 with Allow
 * (section 8.2.1) until the session layer takes INVITE, BYE and the rest.
 */
export class RequestHandler implements TransactionUser {
  constructor(
    private readonly userAgent: string | undefined,
    private readonly supported: readonly string[],
    /** Makes a fresh To tag (RFC 3261 section 19.3). */
    private readonly newTag: () => string,
  ) {}

  onRequest(tx: ServerTransaction, request: SipRequest): void {
    const headers: [string, string][] = [['Allow', ALLOWED_METHODS.join(', ')]];
    if (this.userAgent) headers.push(['Server', this.userAgent]);
    if (request.method === 'OPTIONS') {
      headers.push(['Accept', 'application/sdp'], ['Supported', this.supported.join(', ')]);
      tx.respond(createResponse(request, 200, { toTag: this.newTag(), headers }));
      return;
    }
    tx.respond(createResponse(request, 405, { toTag: this.newTag(), headers }));
  }
}
