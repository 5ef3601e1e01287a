import { type SipResponse, serialize } from '@sipkit/parser';
import { type ClientInput, ClientTransactionBase } from './client-transaction.js';
import { createNon2xxAck } from './request-factory.js';

/** States of an INVITE client transaction (RFC 3261 figure 5 with RFC 6026 Accepted). */
export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

type Timer = 'A' | 'B' | 'D' | 'M';
type Input = ClientInput<Timer>;

/**
 * RFC 3261 section 17.1.1 INVITE client transaction, updated by RFC 6026: a 2xx moves it to
 * Accepted (Timer M) so 2xx retransmissions from other forks still reach the TU, and a 300-699
 * is acknowledged by the transaction itself. Timer A retransmits only on unreliable transports.
 */
export class InviteClientTransaction extends ClientTransactionBase<InviteClientState, Timer> {
  /** Discriminator against {@link NonInviteClientTransaction}. */
  readonly kind = 'invite-client' as const;
  private current: InviteClientState = 'calling';
  private interval = 0;
  private ackBytes: Uint8Array | undefined;

  /** Current state. */
  get state(): InviteClientState {
    return this.current;
  }

  /** Every transition of the machine. */
  protected handle(input: Input): void {
    const t = this.ctx.timers;
    switch (this.current) {
      case 'calling':
      case 'proceeding':
        if (input.type === 'start' && this.current === 'calling') {
          this.transmit();
          if (!this.ctx.reliable) {
            this.interval = t.A;
            this.arm('A', this.interval);
          }
          this.arm('B', t.B);
        } else if (input.type === 'timer' && input.timer === 'A' && this.current === 'calling') {
          this.transmit();
          this.interval *= 2;
          this.arm('A', this.interval);
        } else if (input.type === 'timer' && input.timer === 'B' && this.current === 'calling') {
          this.go('terminated');
          this.timedOut('B');
        } else if (input.type === 'transportError') {
          this.go('terminated');
          this.transportReported(input.error);
        } else if (input.type === 'response') {
          const { status } = input.response;
          if (status < 200) {
            this.timers.stop('A');
            // Once a provisional arrives the TU decides how long to wait (it may CANCEL); Timer B no longer applies.
            this.timers.stop('B');
            this.go('proceeding');
            this.deliver(input.response);
          } else if (status < 300) {
            this.go('accepted');
            this.arm('M', t.M);
            this.deliver(input.response);
          } else {
            this.sendAck(input.response);
            this.go('completed');
            this.arm('D', t.D);
            this.deliver(input.response);
          }
        }
        return;
      case 'completed':
        if (input.type === 'response' && input.response.status >= 300) {
          // A retransmitted final response means our ACK was lost: send it again, the TU already knows.
          this.resendAck();
        } else if (input.type === 'timer' && input.timer === 'D') {
          this.go('terminated');
        } else if (input.type === 'transportError') {
          this.go('terminated');
        }
        return;
      case 'accepted':
        if (input.type === 'response' && input.response.status >= 200 && input.response.status < 300) {
          this.deliver(input.response);
        } else if (input.type === 'timer' && input.timer === 'M') {
          this.go('terminated');
        }
        return;
      case 'terminated':
        return;
    }
  }

  private go(next: InviteClientState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    // Leaving calling/proceeding ends request retransmission and the transaction timeout.
    if (next !== 'calling' && next !== 'proceeding') {
      this.timers.stop('A');
      this.timers.stop('B');
    }
    if (next === 'terminated') this.timers.clear();
    this.events.emit('state', next, previous);
  }

  private sendAck(response: SipResponse): void {
    this.ackBytes = serialize(createNon2xxAck(this.request, response));
    this.transmit(this.ackBytes);
  }

  private resendAck(): void {
    if (this.ackBytes) this.transmit(this.ackBytes);
  }
}
