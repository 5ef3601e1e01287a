import type { SipRequest } from '@sipkit/parser';
import type { TransactionContext } from './context.js';
import { InviteClientTransaction } from './invite-client.js';
import { InviteServerTransaction } from './invite-server.js';

/**
 * How a {@link TransactionLayer} makes INVITE transactions. The layer takes them as an option
 * (`invite`) so that a register-only bundle, which never sends or accepts an INVITE, does not
 * carry the INVITE state machines; a session layer passes {@link inviteTransactions}.
 */
export interface InviteTransactionFactories {
  /** A new INVITE client transaction (RFC 3261 section 17.1.1), not started yet. */
  client(request: SipRequest, key: string, ctx: TransactionContext): InviteClientTransaction;
  /** A new INVITE server transaction (RFC 3261 section 17.2.1), not started yet. */
  server(request: SipRequest, key: string, ctx: TransactionContext): InviteServerTransaction;
}

/** The RFC 3261 / RFC 6026 INVITE client and server transactions, for `TransactionLayerOptions.invite`. */
export const inviteTransactions: InviteTransactionFactories = {
  client: (request, key, ctx) => new InviteClientTransaction(request, key, ctx),
  server: (request, key, ctx) => new InviteServerTransaction(request, key, ctx),
};
