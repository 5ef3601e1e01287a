import { type ClientInput, ClientTransactionBase } from './client-transaction.js';

/** States of a non-INVITE client transaction (RFC 3261 figure 6). */
export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

type Timer = 'E' | 'F' | 'K';
type Input = ClientInput<Timer>;

/**
 * RFC 3261 section 17.1.2 non-INVITE client transaction. Timer E retransmits on unreliable
 * transports, doubling up to T2 in Trying and at T2 in Proceeding; Timer F times out; Timer K
 * absorbs response retransmissions after the final response.
 */
export class NonInviteClientTransaction extends ClientTransactionBase<NonInviteClientState, Timer> {
  /** Discriminator against {@link InviteClientTransaction}. */
  readonly kind = 'non-invite-client' as const;
  #current: NonInviteClientState = 'trying';
  #interval = 0;

  /** Current state. */
  get state(): NonInviteClientState {
    return this.#current;
  }

  /** Every transition of the machine. */
  protected handle(input: Input): void {
    const t = this.ctx.timers;
    switch (this.#current) {
      case 'trying':
      case 'proceeding':
        if (input.type === 'start' && this.#current === 'trying') {
          this.transmit();
          if (!this.ctx.reliable) {
            this.#interval = t.E;
            this.arm('E', this.#interval);
          }
          this.arm('F', t.F);
        } else if (input.type === 'timer' && input.timer === 'E') {
          this.transmit();
          this.#interval = this.#current === 'trying' ? Math.min(2 * this.#interval, t.T2) : t.T2;
          this.arm('E', this.#interval);
        } else if (input.type === 'timer' && input.timer === 'F') {
          this.#go('terminated');
          this.timedOut('F');
        } else if (input.type === 'transportError') {
          this.#go('terminated');
          this.transportReported(input.error);
        } else if (input.type === 'response') {
          if (input.response.status < 200) {
            this.#go('proceeding');
          } else {
            this.#go('completed');
            this.arm('K', t.K);
          }
          this.deliver(input.response);
        }
        return;
      case 'completed':
        // Response retransmissions are absorbed here until Timer K.
        if (input.type === 'timer' && input.timer === 'K') this.#go('terminated');
        return;
      case 'terminated':
        return;
    }
  }

  #go(next: NonInviteClientState): void {
    const previous = this.#current;
    if (previous === next) return;
    this.#current = next;
    if (next === 'completed' || next === 'terminated') {
      this.timers.stop('E');
      this.timers.stop('F');
    }
    if (next === 'terminated') this.timers.clear();
    this.events.emit('state', next, previous);
  }
}
