/**
 * @sipkit/transaction: RFC 3261 section 17 client and server transactions (with RFC 6026) and
 * the transport-layer rules of section 18 (Via, `received`, `rport`, response routing).
 * @packageDocumentation
 */
export { ClientTransactionBase, type ClientTransactionEvents } from './client-transaction.js';
export type { TransactionContext } from './context.js';
export {
  TransactionError,
  type TransactionErrorCode,
  TransactionTimeoutError,
  TransactionTransportError,
} from './errors.js';
export { generateBranch, generateTag } from './ids.js';
export { type InviteClientState, InviteClientTransaction } from './invite-client.js';
export { type InviteServerState, InviteServerTransaction, TRYING_DELAY } from './invite-server.js';
export { type InviteTransactionFactories, inviteTransactions } from './invite-transactions.js';
export { isLocalResponse } from './local-response.js';
export { clientKey, mergeKey, responseKey, serverKey } from './matching.js';
export { type NonInviteClientState, NonInviteClientTransaction } from './non-invite-client.js';
export { type NonInviteServerState, NonInviteServerTransaction } from './non-invite-server.js';
export {
  checkRequest,
  type ElementRole,
  type RequestCheckOptions,
  type RequestRejection,
} from './request-checks.js';
export { createCancel, createNon2xxAck } from './request-factory.js';
export { ServerTransactionBase, type ServerTransactionEvents } from './server-transaction.js';
export { type StatelessServerState, StatelessServerTransaction } from './stateless-server.js';
export { DEFAULT_TIMER_SETTINGS, type TimerSettings, type TimerValues, timerValues } from './timers.js';
export {
  type RequestOptions,
  TransactionLayer,
  type TransactionLayerOptions,
} from './transaction-layer.js';
export type { ClientTransaction, ServerTransaction, TransactionUser } from './transaction-user.js';
export type { ClientViaOptions } from './via-rules.js';
export {
  bareHost,
  clientVia,
  defaultPort,
  hasSentBy,
  hostForVia,
  reconnectDestination,
  responseDestination,
  rewriteVias,
  sentByPort,
  stampReceived,
} from './via-rules.js';
