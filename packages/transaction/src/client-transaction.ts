import { createResponse, type SipRequest, type SipResponse, serialize } from '@sipkit/parser';
import { Emitter, type Endpoint } from '@sipkit/transport';
import { sendBytes, type TransactionContext } from './context.js';
import { type TransactionError, TransactionTimeoutError, TransactionTransportError } from './errors.js';
import { markLocal } from './local-response.js';
import { TimerSet } from './timer-set.js';

/** Events of a client transaction. */
export interface ClientTransactionEvents<S extends string> {
  /** A response for the TU: every provisional, the final one, and (INVITE) each 2xx in Accepted. */
  response: (response: SipResponse) => void;
  /** The state changed. */
  state: (state: S, previous: S) => void;
}

/** What drives a client transaction's state machine. */
export type ClientInput<T extends string> =
  | { type: 'start' }
  | { type: 'response'; response: SipResponse }
  | { type: 'timer'; timer: T }
  | { type: 'transportError'; error: unknown };

/** Shared plumbing of both client transactions; each subclass owns its transitions in `handle`. */
export abstract class ClientTransactionBase<S extends string, T extends string> {
  /** Current state. */
  abstract readonly state: S;
  /** Set when the transaction failed: Timer B/F expiry or a transport error. */
  failure: TransactionError | undefined;
  /** The final response (real or the synthetic 408/503), once there is one. */
  readonly final: Promise<SipResponse>;
  /** The request bytes, serialised once so every retransmission sends the same octets. */
  protected readonly bytes: Uint8Array;
  /** Emits the `response` and `state` events to {@link ClientTransactionBase.on} subscribers. */
  protected readonly events = new Emitter<ClientTransactionEvents<S>>();
  /** The RFC 3261 timers running for this transaction, on the context's clock. */
  protected readonly timers: TimerSet<T>;
  #resolveFinal!: (r: SipResponse) => void;

  constructor(
    /** The request as sent (with the layer's Via on top). */
    readonly request: SipRequest,
    /** Matching key (branch and CSeq method, RFC 3261 section 17.1.3). */
    readonly key: string,
    /** Clock, timer values, reliability and the way to send, from the owning layer. */
    protected readonly ctx: TransactionContext,
  ) {
    this.bytes = serialize(request);
    this.timers = new TimerSet<T>(ctx.clock);
    this.final = new Promise((resolve) => {
      this.#resolveFinal = resolve;
    });
  }

  /** Where the request was sent: the `target` given to the layer, undefined for the transport's own peer. */
  get target(): Endpoint | undefined {
    return this.ctx.target;
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof ClientTransactionEvents<S>>(event: K, fn: ClientTransactionEvents<S>[K]): () => void {
    return this.events.on(event, fn);
  }

  /** Stops every timer without a state change (the owning layer is closing). */
  dispose(): void {
    this.timers.clear();
  }

  /** Sends the request bytes; a failure becomes a transport-error input of the state machine. */
  protected transmit(bytes: Uint8Array = this.bytes): void {
    sendBytes(this.ctx, bytes).catch((err: unknown) => this.transportFailed(err));
  }

  /** Delivers a response to the TU and settles {@link final} on the first final one. */
  protected deliver(response: SipResponse): void {
    this.events.emit('response', response);
    if (response.status >= 200) this.#resolveFinal(response);
  }

  /** Reports a timeout to the TU as a synthetic 408 (RFC 3261 sections 17.1.1.2 and 17.1.2.2). */
  protected timedOut(timer: 'B' | 'F'): void {
    this.failure = new TransactionTimeoutError(`Timer ${timer} expired for ${this.request.method}`, timer);
    this.deliver(markLocal(createResponse(this.request, 408)));
  }

  /** Reports a transport failure to the TU as a synthetic 503 (RFC 3261 section 17.1.4). */
  protected transportReported(err: unknown): void {
    this.failure = new TransactionTransportError(
      `transport failed for ${this.request.method}: ${(err as Error)?.message ?? String(err)}`,
      err,
    );
    this.deliver(markLocal(createResponse(this.request, 503)));
  }

  /** Starts the transaction: sends the request and arms the timers. */
  start(): void {
    this.handle({ type: 'start' });
  }

  /** Hands a received response to the state machine. */
  receive(response: SipResponse): void {
    this.handle({ type: 'response', response });
  }

  /**
   * A transport error: sending failed, or the connection the request went out on went down (RFC
   * 3261 section 17.1.4). A transaction still waiting for its final response ends with a synthetic
   * 503, since no response can come back; later states ignore it.
   */
  transportFailed(error: unknown): void {
    this.handle({ type: 'transportError', error });
  }

  /** Arms `timer`; its expiry is an input of the state machine. */
  protected arm(timer: T, ms: number): void {
    this.timers.start(timer, ms, () => this.handle({ type: 'timer', timer }));
  }

  /** Every transition of the machine. */
  protected abstract handle(input: ClientInput<T>): void;
}
