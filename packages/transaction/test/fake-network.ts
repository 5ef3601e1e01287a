import { parseMessage, type SipMessage, serialize } from '@sipkit/parser';
import type {
  Endpoint,
  RandomSource,
  Transport,
  TransportEvents,
  TransportProtocol,
  TransportState,
  VirtualClock,
} from '@sipkit/transport';

/** One datagram (or stream write) seen by the network. */
export interface Packet {
  from: Endpoint;
  to: Endpoint | undefined;
  at: number;
  bytes: Uint8Array;
  message: SipMessage;
  dropped: boolean;
}

/** Decides whether a packet is lost; `index` counts every packet sent so far. */
export type LossPolicy = (packet: Packet, index: number) => boolean;

const key = (e: Endpoint) => `${e.host}:${e.port}`;

/**
 * An in-memory network on a virtual clock: every send is serialised, logged, maybe dropped by
 * the loss policy, and delivered after `latency` ms as freshly parsed bytes to the transport
 * bound at the target address.
 */
export class FakeNetwork {
  readonly log: Packet[] = [];
  loss: LossPolicy = () => false;
  private readonly nodes = new Map<string, FakeTransport>();

  constructor(
    readonly clock: VirtualClock,
    readonly latency = 5,
  ) {}

  /** Creates a transport bound at `local`. */
  transport(local: Endpoint, protocol: TransportProtocol = 'UDP'): FakeTransport {
    const t = new FakeTransport(this, local, protocol);
    this.nodes.set(key(local), t);
    return t;
  }

  /** Packets sent by `from` (optionally only requests/responses with a method/status). */
  sentBy(from: Endpoint): Packet[] {
    return this.log.filter((p) => key(p.from) === key(from));
  }

  /** @internal */
  route(from: FakeTransport, bytes: Uint8Array, to: Endpoint | undefined): void {
    const packet: Packet = {
      from: from.local,
      to,
      at: this.clock.now(),
      bytes,
      message: parseMessage(bytes),
      dropped: false,
    };
    packet.dropped = this.loss(packet, this.log.length);
    this.log.push(packet);
    if (packet.dropped) return;
    const dest = to ?? from.peer;
    const node = dest && this.nodes.get(key(dest));
    if (!node) return;
    this.clock.setTimeout(() => node.deliver(bytes, from.local), this.latency);
  }
}

/** A {@link Transport} on a {@link FakeNetwork}. */
export class FakeTransport implements Transport {
  readonly reliable: boolean;
  readonly secure: boolean;
  state: TransportState = 'connected';
  /** Where sends without a target go (a "connected" peer, as with WebSocket). */
  peer: Endpoint | undefined;
  /** Set to act as a transport with a connection per peer (TCP, TLS), which reports each it loses. */
  connectionEvents: boolean | undefined;
  /** Set to tell which connections are open, as a transport with a connection per peer does. */
  hasConnection: ((peer: Endpoint) => boolean) | undefined;
  /** When set, every send rejects with this error. */
  failWith: Error | undefined;
  private readonly listeners = new Map<keyof TransportEvents, Set<(...args: never[]) => void>>();

  constructor(
    private readonly network: FakeNetwork,
    readonly local: Endpoint,
    readonly protocol: TransportProtocol,
  ) {
    this.reliable = protocol !== 'UDP';
    this.secure = protocol === 'TLS' || protocol === 'WSS';
  }

  async connect(): Promise<void> {}

  async send(data: SipMessage | Uint8Array, target?: Endpoint): Promise<void> {
    if (this.failWith) throw this.failWith;
    const bytes = data instanceof Uint8Array ? data : serialize(data);
    this.network.route(this, bytes, target);
  }

  /** Sends raw text (a test peer writing a message by hand). */
  sendText(text: string, target: Endpoint): void {
    this.network.route(this, new TextEncoder().encode(text), target);
  }

  /** Sends raw bytes (a captured message). */
  sendBytes(bytes: Uint8Array, target: Endpoint): void {
    this.network.route(this, bytes, target);
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** @internal Parses and emits bytes as if they arrived from `source`. */
  deliver(bytes: Uint8Array, source: Endpoint): void {
    const msg = parseMessage(bytes, { framing: this.reliable ? 'stream' : 'datagram' });
    for (const fn of this.listeners.get('message') ?? [])
      (fn as TransportEvents['message'])(msg, { ...source });
  }

  /** Changes the state and tells the listeners, as a transport whose connection went down does. */
  setState(state: TransportState, error?: Error): void {
    this.state = state;
    this.emit('state', state, error);
  }

  /** Tells the listeners of `event`, as the transport would. */
  emit<E extends keyof TransportEvents>(event: E, ...args: Parameters<TransportEvents[E]>): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as unknown as (...a: typeof args) => void)(...args);
  }

  /** Collects every message this transport receives. */
  inbox(): SipMessage[] {
    const out: SipMessage[] = [];
    this.on('message', (m) => out.push(m));
    return out;
  }

  async close(): Promise<void> {
    this.state = 'closed';
  }
}

/** Repeatable "random" bytes: a counter, so branches and tags differ and tests stay deterministic. */
export function counterRandom(): RandomSource {
  let n = 0;
  return (length) => {
    const out = new Uint8Array(length);
    let v = ++n;
    for (let i = length - 1; i >= 0 && v > 0; i--) {
      out[i] = v & 0xff;
      v >>>= 8;
    }
    return out;
  };
}

/** A seeded PRNG (mulberry32) for loss patterns that are random-looking but repeatable. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
