/**
 * A UDP relay on loopback that drops a fixed fraction of datagrams in each direction, chosen
 * by a seeded generator so a run is repeatable. Clients send to the relay; it forwards to the
 * server from one socket per client, and the server's answers back to that client.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** Counters of a relay run. */
export interface RelayStats {
  forwarded: number;
  dropped: number;
}

/** Deterministic 32-bit generator (mulberry32): fraction in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class LossyUdpRelay {
  readonly stats: RelayStats = { forwarded: 0, dropped: 0 };
  private readonly front = createSocket('udp4');
  private readonly backs = new Map<string, Socket>();
  private readonly random: () => number;

  constructor(
    private readonly server: { host: string; port: number },
    private readonly loss: number,
    seed = 1,
  ) {
    this.random = seeded(seed);
  }

  /** Binds the client-facing socket on 127.0.0.1; resolves with its port. */
  async start(): Promise<number> {
    this.front.on('message', (msg, from) => this.fromClient(msg, from));
    await new Promise<void>((resolve) => this.front.bind(0, '127.0.0.1', resolve));
    return this.front.address().port;
  }

  private pass(): boolean {
    if (this.random() < this.loss) {
      this.stats.dropped++;
      return false;
    }
    this.stats.forwarded++;
    return true;
  }

  private fromClient(msg: Buffer, client: RemoteInfo): void {
    const key = `${client.address}:${client.port}`;
    let back = this.backs.get(key);
    if (!back) {
      back = createSocket('udp4');
      back.on('message', (reply) => {
        if (this.pass()) this.front.send(reply, client.port, client.address);
      });
      back.bind(0, '127.0.0.1');
      this.backs.set(key, back);
    }
    if (this.pass()) back.send(msg, this.server.port, this.server.host);
  }

  /** Closes every socket. */
  async stop(): Promise<void> {
    const all = [this.front, ...this.backs.values()];
    this.backs.clear();
    await Promise.all(all.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
