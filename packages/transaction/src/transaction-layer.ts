import {
  createResponse,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  serialize,
  type Via,
} from '@sipkit/parser';
import type { Clock, Endpoint, Logger, RandomSource, Transport } from '@sipkit/transport';
import type { TransactionContext } from './context.js';
import { TransactionError } from './errors.js';
import { generateBranch, generateTag } from './ids.js';
import type { InviteClientTransaction } from './invite-client.js';
import type { InviteServerTransaction } from './invite-server.js';
import type { InviteTransactionFactories } from './invite-transactions.js';
import { clientKey, mergeKey, responseKey, serverKey, toTag } from './matching.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import { checkRequest, type ElementRole } from './request-checks.js';
import { createCancel } from './request-factory.js';
import { StatelessServerTransaction, statelessTag } from './stateless-server.js';
import {
  DEFAULT_TIMER_SETTINGS,
  defaultTimerValues,
  type TimerSettings,
  type TimerValues,
  timerValues,
} from './timers.js';
import type { ClientTransaction, ServerTransaction, TransactionUser } from './transaction-user.js';
import {
  bareHost,
  type ClientViaOptions,
  clientVia,
  hasSentBy,
  reconnectDestination,
  responseDestination,
  sentByPort,
  stampReceived,
} from './via-rules.js';

/** Options of {@link TransactionLayer}. */
export interface TransactionLayerOptions {
  /** The transport this layer sends and receives on. */
  transport: Transport;
  /** Time source for every timer (inject `systemClock` in production, `VirtualClock` in tests). */
  clock: Clock;
  /** Random bytes for branches and tags (inject `cryptoRandom` in production). */
  random: RandomSource;
  /** Who gets requests and stray messages; may be set later through {@link TransactionLayer.user}. */
  user?: TransactionUser;
  /** T1, T2, T4 overrides. */
  timers?: Partial<TimerSettings>;
  /** `ua` (default) or `proxy`: decides Max-Forwards 0 (483) and Require vs Proxy-Require. */
  role?: ElementRole;
  /** Option tags the TU supports; a request requiring any other gets 420. */
  supported?: readonly string[];
  /** Request-URI schemes accepted (default `sip`, `sips`, `tel`); others get 416. */
  schemes?: readonly string[];
  /**
   * The INVITE transactions ({@link inviteTransactions}), for a TU that sends or accepts INVITE.
   * Without them `request()` refuses an INVITE, and an incoming INVITE reaches the TU in a
   * {@link StatelessServerTransaction}: answered once, statelessly (RFC 3261 section 8.2.7), as a
   * UAS that does not do INVITE (405 or 501) may. Left out, they are left out of a bundle too.
   */
  invite?: InviteTransactionFactories;
  /**
   * Where a fault of the TU (an `onRequest` or `onCancel` that throws) is reported, as an error.
   * Without one the error is rethrown in a microtask, so it is not lost.
   */
  logger?: Logger;
}

/** Options of {@link TransactionLayer.request}. */
export interface RequestOptions {
  /** Where to send. Required by datagram/stream transports that talk to several peers; omit for WebSocket. */
  target?: Endpoint;
  /** Changes to the Via this layer puts on top (no `rport`, another transport token or sent-by host). */
  via?: ClientViaOptions;
}

/**
 * The RFC 3261 transaction layer over one {@link Transport}. Sends requests in client
 * transactions (adding the section 18 Via), matches responses to them, creates server
 * transactions for new requests after the transaction-layer checks, absorbs retransmissions,
 * and hands everything else to the {@link TransactionUser}.
 */
export class TransactionLayer {
  /** The transaction user; requests arriving while it is unset are answered 503. */
  user: TransactionUser | undefined;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #options: TransactionLayerOptions;
  /**
   * Live transactions by key, made on first use and dropped once empty: an idle layer (one per
   * user agent with a stack of its own) then holds no map tables.
   */
  #clients: Map<string, ClientTransaction> | undefined;
  #servers: Map<string, ServerTransaction> | undefined;
  /** Made on first use, as `targets`: a user agent with a stack of its own may never need them. */
  #merged: Map<string, ServerTransaction> | undefined;
  readonly #unsubscribe: () => void;
  #closed = false;
  /** Drawn on the first stateless answer: keys the To tags of stateless answers. */
  #tagSalt: string | undefined;
  /** The tables for unreliable and reliable transports when `timers` are set; else the shared defaults. */
  readonly #ownTimers: readonly [Readonly<TimerValues>, Readonly<TimerValues>] | undefined;

  constructor(options: TransactionLayerOptions) {
    this.#options = options;
    this.#transport = options.transport;
    this.#clock = options.clock;
    this.#random = options.random;
    this.user = options.user;
    const settings = options.timers && { ...DEFAULT_TIMER_SETTINGS, ...options.timers };
    this.#ownTimers = settings && [timerValues(settings, false), timerValues(settings, true)];
    const offMessage = this.#transport.on('message', (msg, source) => this.#receive(msg, source));
    const offState = this.#transport.on('state', (state, error) => {
      // With a connection per peer, `connectionClosed` already ended what the main one carried.
      if (state === 'closed' || (state === 'disconnected' && !this.#transport.connectionEvents))
        this.#failClients(error ?? new Error('the connection went down'));
    });
    const offConnection = this.#transport.on('connectionClosed', (peers, main, error) =>
      this.#failClients(
        error ?? new Error(`the connection to ${peers[0]?.host}:${peers[0]?.port} closed`),
        (to) => (to ? peers.some((p) => p.port === to.port && bareHost(p.host) === bareHost(to.host)) : main),
      ),
    );
    this.#unsubscribe = () => {
      offMessage();
      offState();
      offConnection();
    };
  }

  /**
   * The timer table for the transport as it is now: D, I, J and K are zero while it is reliable.
   * A transaction takes the table of the moment it starts, since a transport that fails over
   * (WSS to UDP, say) can change kind.
   */
  get timers(): Readonly<TimerValues> {
    const reliable = this.#transport.reliable;
    return this.#ownTimers ? this.#ownTimers[reliable ? 1 : 0] : defaultTimerValues(reliable);
  }

  /** Live client transactions. */
  get clientCount(): number {
    return this.#clients?.size ?? 0;
  }

  /** Live server transactions. */
  get serverCount(): number {
    return this.#servers?.size ?? 0;
  }

  /**
   * Sends `request` in a new client transaction. A top Via with this transport's sent-by, a
   * fresh branch and `rport` (as `options.via` changes them) is prepended (the request object is changed; do not reuse it), and
   * Max-Forwards 70 is added when missing. ACK is not a transaction: use {@link sendAck}.
   */
  request(request: SipRequest, options: RequestOptions = {}): ClientTransaction {
    if (this.#closed) throw new TransactionError('INVALID_STATE', 'the transaction layer is closed');
    if (request.method === 'ACK')
      throw new TransactionError('INVALID_REQUEST', 'ACK is sent with sendAck(), not in a transaction');
    if (request.method === 'INVITE' && !this.#options.invite)
      throw new TransactionError('INVALID_REQUEST', 'INVITE needs the `invite` transactions option');
    return this.#startClient(request, this.#stamp(request, options.via), options.target);
  }

  /**
   * Cancels a pending INVITE (RFC 3261 section 9.1): builds the CANCEL from the INVITE as sent
   * (same branch) and sends it in its own non-INVITE client transaction to the same target.
   * Only allowed once a provisional response arrived (the INVITE is in Proceeding).
   */
  cancel(invite: InviteClientTransaction, options: RequestOptions = {}): NonInviteClientTransaction {
    if (invite.state !== 'proceeding')
      throw new TransactionError('INVALID_STATE', `cannot CANCEL an INVITE in state ${invite.state}`);
    const cancel = createCancel(invite.request);
    const branch = invite.request.topVia!.branch!;
    return this.#startClient(cancel, branch, options.target ?? invite.target) as NonInviteClientTransaction;
  }

  /**
   * Sends an ACK for a 2xx (an end-to-end request outside any transaction, RFC 3261 section
   * 17.1.1.3) with a fresh Via branch. Resolves when the transport took it.
   */
  async sendAck(ack: SipRequest, options: RequestOptions = {}): Promise<void> {
    this.#stamp(ack, options.via);
    await this.#transport.send(serialize(ack), options.target);
  }

  /**
   * Puts this transport's Via with a fresh branch on top of a request the layer sends, and
   * Max-Forwards 70 when missing (RFC 3261 sections 8.1.1.6 and 18.1.1); returns the branch.
   */
  #stamp(request: SipRequest, via: ClientViaOptions | undefined): string {
    const branch = generateBranch(this.#random);
    request.headers.prepend('Via', clientVia(this.#transport, branch, via).toString());
    if (!request.headers.has('max-forwards')) request.headers.append('Max-Forwards', 70);
    return branch;
  }

  /**
   * Stops listening and stops every transaction's timers. Nothing is sent afterwards: a later
   * {@link TransactionLayer.request} throws `INVALID_STATE`. A client transaction still waiting
   * for its final response ends as on a transport error (a synthetic 503 settles its `final`),
   * since no response can reach it any more.
   */
  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    const clients = this.#clients;
    const servers = this.#servers;
    this.#failClients(new Error('the transaction layer closed'));
    this.#clients = undefined;
    this.#servers = undefined;
    this.#merged = undefined;
    if (clients) for (const tx of clients.values()) tx.dispose();
    if (servers) for (const tx of servers.values()) tx.dispose();
  }

  /**
   * A connection went down (every one, without `sentTo`): the requests sent over it will get no
   * response there, so their transactions end now (a transport error, RFC 3261 section 17.1.4)
   * rather than at Timer F or B, and their users can send again over the next connection at once.
   * `sentTo` picks them by their target (undefined: the transport's own peer).
   */
  #failClients(cause: Error, sentTo?: (target: Endpoint | undefined) => boolean): void {
    for (const tx of [...(this.#clients?.values() ?? [])])
      if (!sentTo || sentTo(tx.target)) tx.transportFailed(cause);
  }

  #startClient(request: SipRequest, branch: string, target: Endpoint | undefined): ClientTransaction {
    const key = clientKey(branch, request.method);
    const ctx = this.#context((bytes) => this.#transport.send(bytes, target), target);
    const invite = request.method === 'INVITE' ? this.#options.invite : undefined;
    const tx = invite ? invite.client(request, key, ctx) : new NonInviteClientTransaction(request, key, ctx);
    this.#clients ??= new Map();
    this.#clients.set(key, tx);
    tx.on('state', (state) => {
      if (state === 'terminated') this.#clients = without(this.#clients, key, tx);
    });
    tx.start();
    return tx;
  }

  #context(send: (bytes: Uint8Array) => Promise<void>, target?: Endpoint): TransactionContext {
    return { clock: this.#clock, timers: this.timers, reliable: this.#transport.reliable, send, target };
  }

  /** Entry point for everything the transport delivers. */
  #receive(msg: SipMessage, source: Endpoint): void {
    if (msg.kind === 'response') this.#receiveResponse(msg, source);
    else this.#receiveRequest(msg, source);
  }

  #receiveResponse(response: SipResponse, source: Endpoint): void {
    // RFC 3261 section 18.1.2: a response without a usable Via/CSeq cannot be matched; drop it.
    const key = responseKey(response);
    if (key === undefined) return;
    const top = response.topVia!;
    const tx = this.#clients?.get(key);
    // Section 18.1.2 again: a top Via with a sent-by other than ours is not for us; drop it
    // silently. A transaction compares with the Via it sent (the transport may have moved since).
    let ours: boolean;
    if (tx) {
      const sent = tx.request.topVia!;
      ours = hasSentBy(top, sent.host, sent.port);
    } else {
      const { host, port } = this.#transport.local;
      ours = hasSentBy(top, host, sentByPort(port));
    }
    if (!ours) return;
    // Section 8.1.3.3: a UAC sent one Via, so a response with more is misrouted (RFC 4475 3.3.10).
    // A proxy's requests carry the Vias of the hops before it, and so do their responses.
    if ((this.#options.role ?? 'ua') === 'ua' && !hasOneVia(response)) return;
    if (tx) tx.receive(response);
    else this.user?.onStrayResponse?.(response, source);
  }

  #receiveRequest(request: SipRequest, source: Endpoint): void {
    let top: Via | undefined;
    try {
      top = request.headers.typed('via')[0];
    } catch {
      top = undefined;
    }
    // Without a readable Via there is nowhere to send an answer (section 18.2.2): drop.
    if (!top) return;
    const key = serverKey(request, top);
    const cancelKey = request.method === 'CANCEL' ? serverKey(request, top, 'INVITE') : undefined;
    stampReceived(request.headers, source);
    const stamped = request.headers.typed('via')[0]!;

    if (request.method === 'ACK') {
      const tx = this.#servers?.get(key);
      // RFC 2543 matching also needs the ACK's To tag to be the one of the response sent.
      if (tx?.kind === 'invite-server' && (key.startsWith('3261') || toTag(request) === tx.responseToTag))
        tx.receiveAck(request, source);
      else if (checkRequest(request, this.#options) === undefined) this.user?.onAck?.(request, source);
      return;
    }

    const existing = this.#servers?.get(key);
    if (existing && (key.startsWith('3261') || toTag(request) === toTag(existing.request))) {
      existing.receiveRequest(request);
      return;
    }

    const reliable = this.#transport.reliable;
    const tx = this.#startServer(
      request,
      key,
      responseDestination(stamped, source, reliable),
      reliable ? reconnectDestination(stamped, source) : undefined,
    );
    const rejection = checkRequest(request, this.#options);
    if (rejection) {
      tx.respond(this.#answer(request, rejection.status, rejection.reason, rejection.headers));
      return;
    }
    // A stateless answer keeps no state, so no merge either (section 8.2.7).
    const merge =
      (this.#options.role ?? 'ua') === 'ua' && tx.kind !== 'stateless-server' ? mergeKey(request) : undefined;
    if (merge !== undefined) {
      this.#merged ??= new Map();
      const merged = this.#merged;
      const other = merged.get(merge);
      if (other && other !== tx && other.state !== 'terminated') {
        tx.respond(this.#answer(request, 482, 'Loop Detected'));
        return;
      }
      merged.set(merge, tx);
    }
    if (tx.kind === 'non-invite-server' && request.method === 'CANCEL') {
      const invite = cancelKey === undefined ? undefined : this.#servers?.get(cancelKey);
      this.#dispatchCancel(tx, request, invite?.kind === 'invite-server' ? invite : undefined);
      return;
    }
    const user = this.user;
    if (!user) {
      tx.respond(this.#answer(request, 503, 'No Transaction User'));
      return;
    }
    this.#toUser(tx, () => user.onRequest(tx, request));
  }

  /**
   * Hands `tx` to the TU. A TU that throws has a fault: it is reported (to the logger, else
   * rethrown in a microtask), and a request it left unanswered gets 500 (RFC 3261 section
   * 21.5.1), or its transaction would wait for ever in the layer's map.
   */
  #toUser(tx: ServerTransaction, call: () => void): void {
    try {
      call();
    } catch (err) {
      const { request } = tx;
      const logger = this.#options.logger;
      if (logger)
        logger.error(`the transaction user threw on ${request.method}: ${(err as Error)?.message ?? err}`);
      else
        queueMicrotask(() => {
          throw err;
        });
      if (tx.state === 'trying' || tx.state === 'proceeding')
        tx.respond(createResponse(request, 500, { toTag: tx.responseToTag ?? generateTag(this.#random) }));
    }
  }

  #dispatchCancel(
    tx: NonInviteServerTransaction,
    cancel: SipRequest,
    invite: InviteServerTransaction | undefined,
  ): void {
    const user = this.user;
    if (user?.onCancel) {
      this.#toUser(tx, () => user.onCancel!(tx, cancel, invite));
      return;
    }
    if (!invite) {
      tx.respond(this.#answer(cancel, 481));
      return;
    }
    tx.respond(this.#answer(cancel, 200));
    // The INVITE's To tag must be the one its 487 carries; reuse the tag of any provisional sent.
    if (invite.state === 'proceeding') {
      invite.respond(
        createResponse(invite.request, 487, { toTag: invite.responseToTag ?? generateTag(this.#random) }),
      );
    }
  }

  /** A response the layer itself generates, with a To tag (RFC 3261 section 8.2.6.2). */
  #answer(request: SipRequest, status: number, reason?: string, headers?: [string, string][]): SipResponse {
    return createResponse(request, status, { reason, headers, toTag: generateTag(this.#random) });
  }

  /** `reconnect`: where a response goes when sending to `destination` fails (section 18.2.2). */
  #startServer(
    request: SipRequest,
    key: string,
    destination: Endpoint,
    reconnect: Endpoint | undefined,
  ): ServerTransaction {
    const transport = this.#transport;
    const ctx = this.#context((bytes) => {
      // The source is the request's connection: usable only while open, never dialled (its
      // port is ephemeral). A transport that cannot tell is tried, then the reconnect address.
      if (reconnect && transport.hasConnection?.(destination) === false)
        return transport.send(bytes, reconnect);
      const sent = transport.send(bytes, destination);
      return reconnect ? sent.catch(() => transport.send(bytes, reconnect)) : sent;
    });
    const invite = this.#options.invite;
    let tx: ServerTransaction;
    if (request.method !== 'INVITE') tx = new NonInviteServerTransaction(request, key, ctx);
    else if (invite) tx = invite.server(request, key, ctx);
    else {
      this.#tagSalt ??= generateTag(this.#random);
      tx = new StatelessServerTransaction(request, key, ctx, statelessTag(this.#tagSalt, key));
    }
    tx.on('failed', (error) => this.user?.onServerFailure?.(tx, error));
    // A stateless answer is neither kept nor matched: nothing to arm or to forget.
    if (tx.kind === 'stateless-server') return tx;
    this.#servers ??= new Map();
    this.#servers.set(key, tx);
    const merge = mergeKey(request);
    tx.on('state', (state) => {
      if (state !== 'terminated') return;
      this.#servers = without(this.#servers, key, tx);
      if (merge !== undefined) this.#merged = without(this.#merged, merge, tx);
    });
    if (tx.kind === 'invite-server') tx.on('ack', (ack, from) => this.user?.onAck?.(ack, from));
    tx.start();
    return tx;
  }
}

/** Whether a response has exactly one Via value; one that does not parse counts as not. */
function hasOneVia(response: SipResponse): boolean {
  try {
    return response.headers.typed('via').length === 1;
  } catch {
    return false;
  }
}

/**
 * `map` without the entry `key`, when that entry is `tx` (a newer transaction may have taken the
 * key); undefined once empty, so an idle layer holds no map tables.
 */
function without<T>(map: Map<string, T> | undefined, key: string, tx: T): Map<string, T> | undefined {
  if (map?.get(key) === tx) map.delete(key);
  return map?.size ? map : undefined;
}
