import type { Clock } from '@sipkit/transport';
import type { TimerValues } from './timers.js';

/**
 * What a transaction needs from the layer that owns it: time, the resolved timer table,
 * whether the transport is reliable, and a way to put bytes on the wire towards its peer.
 */
export interface TransactionContext {
  /** Clock the transaction's timers run on. */
  clock: Clock;
  /** RFC 3261 timer durations (ms), resolved for the transaction's transport. */
  timers: TimerValues;
  /** Reliable transports get no retransmissions and zero wait timers. */
  reliable: boolean;
  /** Sends bytes to the peer of this transaction; rejects when the transport cannot. */
  send(bytes: Uint8Array): Promise<void>;
}
