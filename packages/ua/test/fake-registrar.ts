import { DigestCredentials, DigestVerifier, type DigestVerifierOptions } from '@sipkit/digest';
import { createResponse, parseMessage, type SipMessage, type SipRequest, serialize } from '@sipkit/parser';
import {
  Emitter,
  type Endpoint,
  type TraceHook,
  type Transport,
  type TransportEvents,
  type TransportState,
  type VirtualClock,
} from '@sipkit/transport';
import type { TransportContext } from '../src/index.js';

/** A registrar with digest auth living behind an in-memory WebSocket-like transport, on a virtual clock. */
export class FakeRegistrar {
  /** Every request the user agent sent, parsed from its wire bytes. */
  readonly received: SipRequest[] = [];
  /** Wire text of everything the user agent sent. */
  readonly wire: string[] = [];
  /** Status to answer REGISTER with instead of the normal flow, once per entry. */
  readonly script: number[] = [];
  readonly verifier: DigestVerifier;
  transport: FakeTransport | undefined;
  bindings = 0;
  /** Bound Contact URIs by AOR user, for registrars of several users. */
  readonly bound = new Map<string, Set<string>>();
  /** How many transports the factory made. */
  transportsMade = 0;
  /** Requests received and not yet given a final response, now and at most so far. */
  unanswered = 0;
  mostUnanswered = 0;
  /** While true, transports fail to connect (the server is down). */
  refuseConnections = false;
  /** Virtual ms a transport takes to close (its socket's close event). */
  closeDelay = 0;
  /**
   * Answers instead of the registrar when set: the messages to deliver for one request (none
   * = no answer), each after 5 virtual ms.
   */
  hostile: ((req: SipRequest) => SipMessage[]) | undefined;

  constructor(
    readonly clock: VirtualClock,
    user = 'alice',
    password = 'secret',
    /** More users and their passwords. */
    others: Record<string, string> = {},
    /** Verifier settings other than MD5 with qop auth (what is challenged, in order). */
    digest: Pick<DigestVerifierOptions, 'algorithms' | 'qop'> = {},
  ) {
    const users = { [user]: password, ...others };
    this.verifier = new DigestVerifier({
      realm: 'example.test',
      credentials: Object.entries(users).map(([username, pw]) =>
        DigestCredentials.fromPassword({ username, password: pw, realm: 'example.test' }),
      ),
      algorithms: ['MD5'],
      ...digest,
    });
  }

  /** A transport factory for `UserAgentOptions.transportFactory`; traces like a real transport. */
  factory = (_server: unknown, context: TransportContext): Transport => {
    this.transportsMade++;
    this.transport = new FakeTransport(this, context.onTrace);
    return this.transport;
  };

  /** @internal The UA sent bytes: answer after 5 virtual ms. */
  async handle(bytes: Uint8Array): Promise<void> {
    this.wire.push(new TextDecoder().decode(bytes));
    const msg = parseMessage(bytes);
    if (msg.kind !== 'request') return;
    this.received.push(msg);
    this.mostUnanswered = Math.max(this.mostUnanswered, ++this.unanswered);
    const replies = this.hostile ? this.hostile(msg) : [await this.answer(msg)];
    for (const reply of replies)
      this.clock.setTimeout(() => {
        if (reply.kind === 'response' && reply.status >= 200) this.unanswered--;
        this.transport?.deliver(reply);
      }, 5);
  }

  private async answer(req: SipRequest): Promise<SipMessage> {
    const scripted = this.script.shift();
    if (scripted !== undefined) return createResponse(req, scripted, { toTag: 'reg' });
    if (req.method !== 'REGISTER') return createResponse(req, 200, { toTag: 'reg' });
    const result = await this.verifier.verify(req);
    if (!result.ok) {
      const res = createResponse(req, result.status, { toTag: 'reg' });
      for (const c of result.challenges) res.headers.append(result.header, c);
      return res;
    }
    const expires =
      req.expires ?? req.contact.map((c) => (c === '*' ? 0 : c.expires)).find((e) => e !== undefined) ?? 3600;
    this.bindings = expires === 0 ? 0 : 1;
    const user = req.to?.uri.kind === 'sip' ? (req.to.uri.user ?? '') : '';
    const contacts = this.bound.get(user) ?? new Set<string>();
    for (const c of req.contact) {
      if (c === '*') contacts.clear();
      else if ((c.expires ?? expires) === 0) contacts.delete(String(c.uri));
      else contacts.add(String(c.uri));
    }
    if (contacts.size > 0) this.bound.set(user, contacts);
    else this.bound.delete(user);
    const res = createResponse(req, 200, { toTag: 'reg' });
    for (const c of req.contact)
      if (c !== '*' && expires > 0) res.headers.append('Contact', `<${c.uri}>;expires=${expires}`);
    return res;
  }

  /** Sends a request from the network to the user agent. */
  inject(text: string): void {
    this.transport?.deliver(parseMessage(new TextEncoder().encode(text)));
  }
}

const SERVER: Endpoint = { host: '127.0.0.1', port: 8080 };

/** The user agent's side: connects at once, hands sent bytes to the registrar. */
class FakeTransport implements Transport {
  readonly protocol = 'WS' as const;
  readonly reliable = true;
  readonly secure = false;
  readonly local = { host: 'fake.invalid', port: 0 };
  state: TransportState = 'disconnected';
  private readonly events = new Emitter<TransportEvents>();

  constructor(
    private readonly registrar: FakeRegistrar,
    private readonly trace: TraceHook | undefined,
  ) {}

  async connect(): Promise<void> {
    if (this.registrar.refuseConnections) {
      this.setState('disconnected');
      throw new Error('connection refused');
    }
    this.setState('connected');
  }

  async send(data: SipMessage | Uint8Array): Promise<void> {
    const bytes = data instanceof Uint8Array ? data : serialize(data);
    this.trace?.('out', bytes, SERVER);
    await this.registrar.handle(bytes);
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  async close(): Promise<void> {
    this.setState('closed');
    const delay = this.registrar.closeDelay;
    if (delay > 0) await new Promise<void>((r) => this.registrar.clock.setTimeout(r, delay));
    this.closedAt = this.registrar.clock.now();
  }

  /** Virtual time at which close() finished. */
  closedAt: number | undefined;

  /** Reports a failed RFC 5626 flow, as a keep-alive timeout would. */
  failFlow(): void {
    this.events.emit('flowFailed', 'no pong');
  }

  /** Drops the connection, as a server restart would. */
  drop(): void {
    this.setState('disconnected');
  }

  deliver(msg: SipMessage): void {
    const bytes = serialize(msg);
    this.trace?.('in', bytes, SERVER);
    this.events.emit('message', parseMessage(bytes), SERVER);
  }

  private setState(state: TransportState): void {
    this.state = state;
    this.events.emit('state', state);
  }
}
