import { createResponse, type SipRequest } from '@sipkit/parser';
import type { ServerTransaction, TransactionUser } from '@sipkit/transaction';

/** Methods this user agent answers today. */
export const ALLOWED_METHODS = ['OPTIONS'] as const;

/** Option tags a user agent (and a {@link SipStack}) supports. */
export const SUPPORTED = ['path', 'gruu', 'outbound'] as const;

/**
 * Answers a request the way the user agent does today: OPTIONS gets 200 with Allow, Accept and
 * Supported (RFC 3261 section 11.2); any other method 405 with Allow (section 8.2.1). `server`
 * is the Server header value, if any.
 */
export function answerRequest(
  tx: ServerTransaction,
  request: SipRequest,
  server: string | undefined,
  toTag: string,
  supported: readonly string[] = SUPPORTED,
): void {
  const headers: [string, string][] = [['Allow', ALLOWED_METHODS.join(', ')]];
  if (server) headers.push(['Server', server]);
  if (request.method === 'OPTIONS') {
    headers.push(['Accept', 'application/sdp'], ['Supported', supported.join(', ')]);
    tx.respond(createResponse(request, 200, { toTag, headers }));
    return;
  }
  tx.respond(createResponse(request, 405, { toTag, headers }));
}

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

  /** Answers `request` on `tx` (see the class description). */
  onRequest(tx: ServerTransaction, request: SipRequest): void {
    answerRequest(tx, request, this.userAgent, this.newTag(), this.supported);
  }
}
