import type { SipMessage } from '@sipkit/parser';
import {
  Emitter,
  type Endpoint,
  type Transport,
  type TransportEvents,
  type TransportState,
} from '@sipkit/transport';

/** A transport whose connection attempts the test settles by hand. */
export class FakeTransport implements Transport {
  readonly protocol = 'WS' as const;
  readonly reliable = true;
  readonly secure = false;
  readonly local: Endpoint = { host: 'fake.invalid', port: 0 };
  state: TransportState = 'disconnected';
  readonly sent: (SipMessage | Uint8Array)[] = [];
  flowTimer: number | undefined;
  keptAlive: number | undefined;
  private readonly events = new Emitter<TransportEvents>();
  private settle: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(readonly server: string) {}

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    return this.events.on(event, listener);
  }
  connect(): Promise<void> {
    this.set('connecting');
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }
  /** The pending attempt succeeds. */
  succeed(): void {
    this.set('connected');
    this.settle?.resolve();
  }
  /** The pending attempt fails. */
  fail(): void {
    this.set('disconnected');
    this.settle?.reject(new Error(`${this.server} refused`));
  }
  /** An established connection drops. */
  drop(): void {
    this.events.emit('flowFailed', 'dropped');
    this.set('disconnected');
  }
  emitMessage(msg: SipMessage): void {
    this.events.emit('message', msg, { host: this.server, port: 5060 });
  }
  async send(data: SipMessage | Uint8Array): Promise<void> {
    this.sent.push(data);
  }
  setFlowTimer(seconds: number): void {
    this.flowTimer = seconds;
    // As the real transports: a running keep-alive takes the new interval.
    if (this.keptAlive !== undefined) this.keptAlive = seconds;
  }
  keepFlowAlive(seconds: number): void {
    this.keptAlive ??= seconds;
  }
  async close(): Promise<void> {
    this.set('closed');
  }
  private set(s: TransportState): void {
    this.state = s;
    this.events.emit('state', s);
  }
}
