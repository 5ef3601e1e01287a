import { parseNameAddr, type SipRequest, type SipResponse, serialize } from '@sipkit/parser';
import type { TransactionContext } from './context.js';
import { TransactionError } from './errors.js';
import { ServerTransactionBase } from './server-transaction.js';

/** States of a {@link StatelessServerTransaction}: waiting for the TU's answer, or answered. */
export type StatelessServerState = 'trying' | 'terminated';

/**
 * How a layer without INVITE transactions answers an INVITE: statelessly, as RFC 3261 section
 * 8.2.7 describes. The final response goes out once and nothing is kept: a retransmitted INVITE
 * reaches the TU again and is answered again, an ACK is not absorbed (it goes to `onAck`, which a
 * TU that cannot do INVITE leaves out). Provisional responses are not sent (a stateless UAS sends
 * none), and the To tag of the answer is replaced by one derived from the request, so every
 * retransmission gets the same tag.
 */
export class StatelessServerTransaction extends ServerTransactionBase<StatelessServerState, never> {
  /** Discriminator against the stateful server transactions. */
  readonly kind = 'stateless-server' as const;
  #current: StatelessServerState = 'trying';
  /** The To tag of the answer, the same for every copy of the request (section 8.2.7). */
  readonly #toTag: string;

  constructor(request: SipRequest, key: string, ctx: TransactionContext, toTag: string) {
    super(request, key, ctx);
    this.#toTag = toTag;
  }

  /** Current state. */
  get state(): StatelessServerState {
    return this.#current;
  }

  /** Nothing to arm: a stateless answer has no timers. */
  start(): void {}

  /** Not called: the layer keeps no stateless transaction to match a retransmission to. */
  receiveRequest(_request: SipRequest): void {}

  /**
   * Sends a final response once and terminates; a 1xx is dropped. Throws
   * {@link TransactionError} `INVALID_STATE` after the final response.
   */
  respond(response: SipResponse): void {
    if (this.#current === 'terminated')
      throw new TransactionError(
        'INVALID_STATE',
        `cannot send ${response.status}: the ${this.request.method} was answered statelessly`,
      );
    if (response.status < 200) return;
    this.#stampToTag(response);
    this.lastResponse = response;
    this.#current = 'terminated';
    this.transmit(serialize(response));
    this.events.emit('state', 'terminated', 'trying');
  }

  protected transportFailed(error: unknown): void {
    this.reportTransportError(error);
  }

  /** Gives the response the stable To tag, unless the request is in a dialog (its To has a tag). */
  #stampToTag(response: SipResponse): void {
    const raw = this.request.headers.get('to');
    if (raw === undefined) return;
    try {
      const to = parseNameAddr(raw, 'to');
      if (to.tag !== undefined) return;
      to.params.set('tag', this.#toTag);
      response.headers.set('To', to.toString());
    } catch {
      // A To that does not parse is echoed as the TU built it.
    }
  }
}

/** FNV-1a over `text`, from `seed`: 32 bits. */
function fnv1a(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A To tag that depends only on `salt` and the request's transaction key (RFC 3261 section
 * 8.2.7: the same tag for the same request), 64 bits; a random salt per layer keeps it
 * unpredictable to others.
 */
export function statelessTag(salt: string, key: string): string {
  const text = salt + key;
  const a = fnv1a(text, 0x811c9dc5);
  const b = fnv1a(text, a ^ 0x9e3779b9);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
