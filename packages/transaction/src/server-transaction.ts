import type { SipRequest, SipResponse } from '@sipkit/parser';
import type { Endpoint } from '@sipkit/transport';
import { Emitter } from '@sipkit/transport';
import { sendBytes, type TransactionContext } from './context.js';
import { type TransactionError, TransactionTransportError } from './errors.js';
import { TimerSet } from './timer-set.js';

/** Events of a server transaction. */
export interface ServerTransactionEvents<S extends string> {
  /** The state changed. */
  state: (state: S, previous: S) => void;
  /** Timer H expired without an ACK, or the transport refused a response (RFC 3261 17.2.4). */
  failed: (error: TransactionError) => void;
  /** (INVITE, RFC 6026 Accepted) an ACK matched this transaction; it belongs to the TU. */
  ack: (ack: SipRequest, source: Endpoint) => void;
}

/** Shared plumbing of both server transactions; each subclass owns its transitions. */
export abstract class ServerTransactionBase<S extends string, T extends string> {
  /** Current state. */
  abstract readonly state: S;
  /** Set when the transaction failed (Timer H, transport error). */
  failure: TransactionError | undefined;
  /** The last response sent, which retransmitted requests are answered with. */
  lastResponse: SipResponse | undefined;
  /** Emits the `state`, `failed` and `ack` events to {@link ServerTransactionBase.on} subscribers. */
  protected readonly events = new Emitter<ServerTransactionEvents<S>>();
  /** The RFC 3261 timers running for this transaction, on the context's clock. */
  protected readonly timers: TimerSet<T>;

  constructor(
    /** The request that created the transaction (with `received`/`rport` stamped). */
    readonly request: SipRequest,
    /** Matching key (RFC 3261 section 17.2.3, or the RFC 2543 fallback). */
    readonly key: string,
    /** Clock, timer values, reliability and the way to send, from the owning layer. */
    protected readonly ctx: TransactionContext,
  ) {
    this.timers = new TimerSet<T>(ctx.clock);
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof ServerTransactionEvents<S>>(event: K, fn: ServerTransactionEvents<S>[K]): () => void {
    return this.events.on(event, fn);
  }

  /** The To tag of the last response sent (RFC 2543 ACK matching compares against it). */
  get responseToTag(): string | undefined {
    try {
      return this.lastResponse?.to?.tag;
    } catch {
      return undefined;
    }
  }

  /** Stops every timer without a state change (the owning layer is closing). */
  dispose(): void {
    this.timers.clear();
  }

  /** Sends bytes; a failure becomes a transport-error input of the state machine. */
  protected transmit(bytes: Uint8Array): void {
    sendBytes(this.ctx, bytes).catch((err: unknown) => this.transportFailed(err));
  }

  /** Records the send failure as {@link ServerTransactionBase.failure} and emits `failed` (RFC 3261 section 17.2.4). */
  protected reportTransportError(err: unknown): void {
    this.failure = new TransactionTransportError(
      `transport failed answering ${this.request.method}: ${(err as Error)?.message ?? String(err)}`,
      err,
    );
    this.events.emit('failed', this.failure);
  }

  /** Sends a response from the TU through the transaction. */
  abstract respond(response: SipResponse): void;
  /** Hands a retransmission of the request (same transaction) to the state machine. */
  abstract receiveRequest(request: SipRequest): void;
  /** Starts the transaction's timers (called by the layer before the TU sees the request). */
  abstract start(): void;
  /** Sending a response failed: feeds a transport-error input to the state machine. */
  protected abstract transportFailed(err: unknown): void;
}
