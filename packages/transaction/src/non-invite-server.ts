import { type SipRequest, type SipResponse, serialize } from '@sipkit/parser';
import { TransactionError } from './errors.js';
import { ServerTransactionBase } from './server-transaction.js';

/** States of a non-INVITE server transaction (RFC 3261 figure 8). */
export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

type Timer = 'J';
type Input =
  | { type: 'start' }
  | { type: 'request' }
  | { type: 'respond'; response: SipResponse }
  | { type: 'timer'; timer: Timer }
  | { type: 'transportError'; error: unknown };

/**
 * RFC 3261 section 17.2.2 non-INVITE server transaction: absorbs request retransmissions,
 * answers them with the last response, and waits Timer J (zero on reliable transports) after
 * the final response.
 */
export class NonInviteServerTransaction extends ServerTransactionBase<NonInviteServerState, Timer> {
  /** Discriminator against {@link InviteServerTransaction}. */
  readonly kind = 'non-invite-server' as const;
  #current: NonInviteServerState = 'trying';
  #lastBytes: Uint8Array | undefined;

  /** Current state. */
  get state(): NonInviteServerState {
    return this.#current;
  }

  start(): void {
    this.#handle({ type: 'start' });
  }

  /**
   * Sends a response: 1xx moves to Proceeding, 200-699 to Completed. Throws
   * {@link TransactionError} `INVALID_STATE` once a final response was sent.
   */
  respond(response: SipResponse): void {
    this.#handle({ type: 'respond', response });
  }

  receiveRequest(_request: SipRequest): void {
    this.#handle({ type: 'request' });
  }

  protected transportFailed(error: unknown): void {
    this.#handle({ type: 'transportError', error });
  }

  #send(response: SipResponse): void {
    this.lastResponse = response;
    this.#lastBytes = serialize(response);
    this.transmit(this.#lastBytes);
  }

  /** Every transition of the machine. */
  #handle(input: Input): void {
    if (input.type === 'transportError') {
      if (this.#current === 'terminated') return;
      this.#go('terminated');
      this.reportTransportError(input.error);
      return;
    }
    switch (this.#current) {
      case 'trying':
      case 'proceeding':
        if (input.type === 'request') {
          // Trying has nothing to resend; Proceeding resends the last provisional.
          if (this.#lastBytes) this.transmit(this.#lastBytes);
        } else if (input.type === 'respond') {
          this.#send(input.response);
          if (input.response.status < 200) {
            this.#go('proceeding');
          } else {
            this.#go('completed');
            this.timers.start('J', this.ctx.timers.J, () => this.#handle({ type: 'timer', timer: 'J' }));
          }
        }
        return;
      case 'completed':
        if (input.type === 'request') {
          if (this.#lastBytes) this.transmit(this.#lastBytes);
        } else if (input.type === 'timer') {
          this.#go('terminated');
        } else if (input.type === 'respond') {
          this.#invalid(input.response);
        }
        return;
      case 'terminated':
        if (input.type === 'respond') this.#invalid(input.response);
        return;
    }
  }

  #invalid(response: SipResponse): never {
    throw new TransactionError(
      'INVALID_STATE',
      `cannot send ${response.status} in state ${this.#current} of the non-INVITE server transaction`,
    );
  }

  #go(next: NonInviteServerState): void {
    const previous = this.#current;
    if (previous === next) return;
    this.#current = next;
    if (next === 'terminated') this.timers.clear();
    this.events.emit('state', next, previous);
  }
}
