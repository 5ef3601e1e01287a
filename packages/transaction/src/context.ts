import type { Clock, Endpoint } from '@sipkit/transport';
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
  /**
   * (Client transactions) where the request goes: the `target` given to the layer, undefined
   * for the transport's own peer. A lost connection ends the transactions sent to it.
   */
  target?: Endpoint;
}

/**
 * `ctx.send(bytes)`, with a synchronous throw turned into a rejection: a transport that throws
 * instead of rejecting fails the transaction the same way (RFC 3261 section 17.1.4).
 */
export function sendBytes(ctx: TransactionContext, bytes: Uint8Array): Promise<void> {
  try {
    return ctx.send(bytes);
  } catch (err) {
    return Promise.reject(err);
  }
}
