import { createResponse, type SipRequest, type SipResponse, serialize } from '@sipkit/parser';
import type { Endpoint } from '@sipkit/transport';
import { TransactionError, TransactionTimeoutError } from './errors.js';
import { ServerTransactionBase } from './server-transaction.js';

/** States of an INVITE server transaction (RFC 3261 figure 7 with RFC 6026 Accepted). */
export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

type Timer = 'Trying' | 'G' | 'H' | 'I' | 'L';
type Input =
  | { type: 'start' }
  | { type: 'request' }
  | { type: 'ack'; ack: SipRequest; source: Endpoint }
  | { type: 'respond'; response: SipResponse }
  | { type: 'timer'; timer: Timer }
  | { type: 'transportError'; error: unknown };

/** How long the TU has to answer before the transaction sends 100 Trying (RFC 3261 section 17.2.1). */
export const TRYING_DELAY = 200;

/**
 * RFC 3261 section 17.2.1 INVITE server transaction, updated by RFC 6026: a 2xx from the TU
 * moves it to Accepted (Timer L) where retransmitted INVITEs are absorbed and ACKs go to the TU;
 * a 300-699 is retransmitted on Timer G (unreliable only) until an ACK arrives or Timer H fires.
 * Sends 100 Trying itself when the TU has not answered within 200 ms.
 */
export class InviteServerTransaction extends ServerTransactionBase<InviteServerState, Timer> {
  /** Discriminator against {@link NonInviteServerTransaction}. */
  readonly kind = 'invite-server' as const;
  private current: InviteServerState = 'proceeding';
  private lastBytes: Uint8Array | undefined;
  private interval = 0;

  /** Current state. */
  get state(): InviteServerState {
    return this.current;
  }

  start(): void {
    this.handle({ type: 'start' });
  }

  /**
   * Sends a response. 1xx keep the transaction in Proceeding, 2xx move it to Accepted (the TU
   * may send 2xx retransmissions through it while Accepted), 300-699 to Completed. Throws
   * {@link TransactionError} `INVALID_STATE` for a response the state cannot take.
   */
  respond(response: SipResponse): void {
    this.handle({ type: 'respond', response });
  }

  receiveRequest(_request: SipRequest): void {
    this.handle({ type: 'request' });
  }

  /** Hands an ACK that matched this transaction to the state machine. */
  receiveAck(ack: SipRequest, source: Endpoint): void {
    this.handle({ type: 'ack', ack, source });
  }

  protected transportFailed(error: unknown): void {
    this.handle({ type: 'transportError', error });
  }

  private arm(timer: Timer, ms: number): void {
    this.timers.start(timer, ms, () => this.handle({ type: 'timer', timer }));
  }

  private send(response: SipResponse): void {
    this.lastResponse = response;
    this.lastBytes = serialize(response);
    this.transmit(this.lastBytes);
  }

  /** Every transition of the machine. */
  private handle(input: Input): void {
    const t = this.ctx.timers;
    if (input.type === 'transportError') {
      if (this.current === 'terminated') return;
      this.go('terminated');
      this.reportTransportError(input.error);
      return;
    }
    switch (this.current) {
      case 'proceeding':
        if (input.type === 'start') {
          this.arm('Trying', TRYING_DELAY);
        } else if (input.type === 'timer' && input.timer === 'Trying') {
          if (!this.lastResponse) this.send(createResponse(this.request, 100));
        } else if (input.type === 'request') {
          if (this.lastBytes) this.transmit(this.lastBytes);
        } else if (input.type === 'respond') {
          const { status } = input.response;
          this.timers.stop('Trying');
          this.send(input.response);
          if (status >= 300) {
            this.go('completed');
            if (!this.ctx.reliable) {
              this.interval = t.G;
              this.arm('G', this.interval);
            }
            this.arm('H', t.H);
          } else if (status >= 200) {
            this.go('accepted');
            this.arm('L', t.L);
          }
        }
        return;
      case 'completed':
        if (input.type === 'request') {
          if (this.lastBytes) this.transmit(this.lastBytes);
        } else if (input.type === 'timer' && input.timer === 'G') {
          if (this.lastBytes) this.transmit(this.lastBytes);
          this.interval = Math.min(2 * this.interval, t.T2);
          this.arm('G', this.interval);
        } else if (input.type === 'ack') {
          this.go('confirmed');
          this.arm('I', t.I);
        } else if (input.type === 'timer' && input.timer === 'H') {
          this.go('terminated');
          this.failure = new TransactionTimeoutError('Timer H expired: no ACK for the final response', 'H');
          this.events.emit('failed', this.failure);
        } else if (input.type === 'respond') {
          this.invalid(input.response);
        }
        return;
      case 'confirmed':
        // ACK retransmissions are absorbed until Timer I.
        if (input.type === 'timer' && input.timer === 'I') this.go('terminated');
        else if (input.type === 'respond') this.invalid(input.response);
        return;
      case 'accepted':
        if (input.type === 'respond') {
          if (input.response.status >= 200 && input.response.status < 300) this.send(input.response);
          else this.invalid(input.response);
        } else if (input.type === 'ack') {
          this.events.emit('ack', input.ack, input.source);
        } else if (input.type === 'timer' && input.timer === 'L') {
          this.go('terminated');
        }
        // Retransmitted INVITEs are absorbed: the TU retransmits the 2xx on its own schedule.
        return;
      case 'terminated':
        // The TU's 2xx retransmissions may outlive Timer L by a hair; they still go out, statelessly.
        if (input.type === 'respond' && input.response.status >= 200 && input.response.status < 300) {
          this.transmit(serialize(input.response));
        } else if (input.type === 'respond') {
          this.invalid(input.response);
        }
        return;
    }
  }

  private invalid(response: SipResponse): never {
    throw new TransactionError(
      'INVALID_STATE',
      `cannot send ${response.status} in state ${this.current} of the INVITE server transaction`,
    );
  }

  private go(next: InviteServerState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    if (next === 'confirmed') {
      this.timers.stop('G');
      this.timers.stop('H');
    }
    if (next === 'terminated') this.timers.clear();
    this.events.emit('state', next, previous);
  }
}
