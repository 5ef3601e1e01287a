import type { SipRequest, SipResponse } from '@sipkit/parser';
import type { Endpoint } from '@sipkit/transport';
import type { TransactionError } from './errors.js';
import type { InviteClientTransaction } from './invite-client.js';
import type { InviteServerTransaction } from './invite-server.js';
import type { NonInviteClientTransaction } from './non-invite-client.js';
import type { NonInviteServerTransaction } from './non-invite-server.js';
import type { StatelessServerTransaction } from './stateless-server.js';

/** Either client transaction. */
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
/**
 * What the TU answers a request through: a server transaction, or (an INVITE reaching a layer
 * without INVITE transactions) a stateless answer. `kind` tells them apart.
 */
export type ServerTransaction =
  | InviteServerTransaction
  | NonInviteServerTransaction
  | StatelessServerTransaction;

/**
 * What sits above the transaction layer (a UA core, the dialog layer, a proxy core). The layer
 * calls it; it answers requests through the server transaction it is given.
 */
export interface TransactionUser {
  /**
   * A new request passed the transaction-layer checks. Answer with `tx.respond(...)`. CANCEL
   * and ACK never come here: see {@link onCancel} and {@link onAck}. Retransmissions do not
   * either, except of an INVITE answered statelessly (the layer has no INVITE transactions).
   */
  onRequest(tx: ServerTransaction, request: SipRequest): void;
  /**
   * A CANCEL arrived. `invite` is the INVITE server transaction it cancels (RFC 3261 section
   * 9.2), or undefined. The TU answers `cancelTx` (200, or 481 when nothing matched) and decides
   * about 487 for the INVITE. When this method is absent, the layer does that itself: 200 and
   * 487 while the INVITE is in Proceeding, 481 when nothing matched.
   */
  onCancel?(
    cancelTx: NonInviteServerTransaction,
    cancel: SipRequest,
    invite: InviteServerTransaction | undefined,
  ): void;
  /** An ACK for a 2xx (no transaction matched it, or the INVITE server transaction was Accepted): dialog business. */
  onAck?(ack: SipRequest, source: Endpoint): void;
  /** A response that matched no client transaction, such as a 2xx retransmission after Timer M. */
  onStrayResponse?(response: SipResponse, source: Endpoint): void;
  /** A server transaction failed: Timer H (no ACK) or the transport refused a response. */
  onServerFailure?(tx: ServerTransaction, error: TransactionError): void;
}
