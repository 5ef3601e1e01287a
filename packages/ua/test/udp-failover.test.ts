import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { sipkitConfig, type UserAgentConfig } from '@sipkit/config';
import { createResponse, parseMessage, type SipMessage, type SipRequest, serialize } from '@sipkit/parser';
import {
  Emitter,
  type Endpoint,
  type Transport,
  type TransportEvents,
  type TransportState,
  VirtualClock,
} from '@sipkit/transport';
import { UdpTransport } from '@sipkit/transport/node';
import { afterEach, describe, expect, test } from 'vitest';
import { SipStack, UserAgent } from '../src/index.js';
import { nodeTransportFactory } from '../src/node.js';
import { run, seeded } from './virtual-time.js';

/** A REGISTER's 200: the Contacts bound for an hour. */
function registered(req: SipRequest): SipMessage {
  const res = createResponse(req, 200, { toTag: 'reg' });
  for (const c of req.contact) if (c !== '*') res.headers.append('Contact', `<${c.uri}>;expires=3600`);
  return res;
}

/**
 * UDP servers on a virtual clock: those in `live` answer every request after 5 ms, the others
 * (dead) never. Each transport the factory makes is a new socket with a new port.
 */
class FakeUdpNetwork {
  readonly live = new Set<string>();
  /** A status other than 200 that a live server answers with. */
  status: number | undefined;
  /** Every request sent, as `host method`. */
  readonly sent: string[] = [];
  readonly requests: { to: string; req: SipRequest }[] = [];
  made = 0;
  constructor(readonly clock: VirtualClock) {}
  factory = (): Transport => new FakeUdp(this, 40000 + this.made++);
}

class FakeUdp implements Transport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  readonly secure = false;
  readonly local: Endpoint;
  state: TransportState = 'disconnected';
  private readonly events = new Emitter<TransportEvents>();
  constructor(
    private readonly net: FakeUdpNetwork,
    port: number,
  ) {
    this.local = { host: '192.0.2.99', port };
  }
  async connect(): Promise<void> {
    this.set('connected');
  }
  async send(data: SipMessage | Uint8Array, target?: Endpoint): Promise<void> {
    const msg = parseMessage(data instanceof Uint8Array ? data : serialize(data));
    if (msg.kind !== 'request' || !target) return;
    this.net.sent.push(`${target.host} ${msg.method}`);
    this.net.requests.push({ to: target.host, req: msg });
    if (!this.net.live.has(target.host)) return;
    this.net.clock.setTimeout(() => {
      const status = this.net.status;
      const answer = status ? createResponse(msg, status, { toTag: 'reg' }) : registered(msg);
      if (this.state === 'connected') this.events.emit('message', answer, target);
    }, 5);
  }
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    return this.events.on(event, listener);
  }
  async close(): Promise<void> {
    this.set('closed');
  }
  private set(s: TransportState): void {
    this.state = s;
    this.events.emit('state', s);
  }
}

const HEAVY = '192.0.2.1';
const LIGHT = '192.0.2.2';

function config(user = 'alice', servers = [`sip:${HEAVY};transport=udp`, `sip:${LIGHT};transport=udp`]) {
  return sipkitConfig({
    aor: `sip:${user}@example.test`,
    password: 'secret',
    servers: servers.map((server, i) => ({ server, weight: 10 - i })),
  });
}

describe('UDP server failover (RFC 3263 section 4.3)', () => {
  test('a REGISTER that times out on the heavy server fails over; the retry registers on the light one', async () => {
    const clock = new VirtualClock();
    const net = new FakeUdpNetwork(clock);
    net.live.add(LIGHT);
    const ua = new UserAgent(config(), { clock, random: seeded(), transportFactory: net.factory });
    await ua.start();
    const result = ua.register().catch((e: Error) => e);
    // Timer F (64 * T1 = 32 s), then the registerer's retry.
    await run(clock, 31_500, 500);
    expect(net.sent.length).toBe(11);
    expect(new Set(net.sent)).toEqual(new Set([`${HEAVY} REGISTER`]));
    await run(clock, 1000, 500);
    expect(ua.registerer?.state).toBe('registered');
    expect(net.made).toBe(2);
    const last = net.requests.at(-1)!;
    expect(last.to).toBe(LIGHT);
    // The binding names the new socket's port.
    const contact = last.req.contact[0];
    expect(contact !== '*' && contact?.uri.kind === 'sip' && contact.uri.port).toBe(40001);
    await result;
    const stopping = ua.stop();
    await run(clock, 1000);
    await stopping;
  });

  test.each([
    ['all at once', undefined],
    ['10 at a time (startConcurrency), the rest queued when it fails over', 10],
  ])(
    'a burst of timeouts of a stack of user agents moves the shared transport once: %s',
    async (_, startConcurrency) => {
      const clock = new VirtualClock();
      const net = new FakeUdpNetwork(clock);
      net.live.add(LIGHT);
      // Three servers: cycling on every timeout would come back to the dead heavy one.
      const servers = [HEAVY, LIGHT, '192.0.2.3'].map((h) => `sip:${h};transport=udp`);
      const base = config('u0', servers);
      const stack = new SipStack({
        servers: base.servers,
        transportFactory: net.factory,
        clock,
        random: seeded(),
        startConcurrency,
      });
      await stack.start();
      const uas = Array.from({ length: 50 }, (_, i) => {
        const c: UserAgentConfig = { ...config(`u${i}`, servers), servers: base.servers };
        return new UserAgent(c, { stack });
      });
      await Promise.all(uas.map((ua) => ua.start()));
      await run(clock, 33_000, 500);
      expect(net.made).toBe(2);
      await run(clock, 60_000, 500);
      expect(net.made).toBe(2);
      expect(uas.filter((ua) => ua.registerer?.state === 'registered').length).toBe(50);
      expect(net.sent.filter((s) => s.startsWith('192.0.2.3')).length).toBe(0);
      const stopping = stack.stop();
      await run(clock, 2000);
      await stopping;
    },
  );

  test('a lone server is kept; a server that answers, even 503 or 500, is no failure', async () => {
    for (const [servers, status] of [
      [[`sip:${HEAVY};transport=udp`], undefined],
      [[`sip:${HEAVY};transport=udp`, `sip:${LIGHT};transport=udp`], 503],
      [[`sip:${HEAVY};transport=udp`, `sip:${LIGHT};transport=udp`], 500],
    ] as const) {
      const clock = new VirtualClock();
      const net = new FakeUdpNetwork(clock);
      if (status) {
        net.live.add(HEAVY);
        net.status = status;
      }
      const ua = new UserAgent(config('alice', [...servers]), {
        clock,
        random: seeded(),
        transportFactory: net.factory,
      });
      await ua.start();
      ua.register().catch(() => {});
      await run(clock, 100_000, 500);
      expect(net.made).toBe(1);
      expect(new Set(net.sent)).toEqual(new Set([`${HEAVY} REGISTER`]));
      expect(net.sent.length).toBeGreaterThan(status ? 1 : 11);
      const stopping = ua.stop();
      await run(clock, 40_000, 500);
      await stopping;
    }
  });

  describe('real sockets on 127.0.0.1', () => {
    const open: { close(): unknown }[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    test('a dead heavy server and a live light one: registered on the light one, Via and Contact 127.0.0.1 from a wildcard bind', async () => {
      // A port nobody listens on: bind it, note it, release it.
      const probe = createSocket('udp4');
      await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
      const dead = (probe.address() as AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const live = new UdpTransport({ host: '127.0.0.1' });
      open.push(live);
      await live.connect();
      const got: { req: SipRequest; source: Endpoint }[] = [];
      live.on('message', (m, source) => {
        if (m.kind !== 'request') return;
        got.push({ req: m, source });
        live.send(registered(m), source).catch(() => {});
      });
      const servers = [
        `sip:127.0.0.1:${dead};transport=udp`,
        `sip:127.0.0.1:${live.local.port};transport=udp`,
      ];
      const clock = new VirtualClock();
      const ua = new UserAgent(
        // pjsip `bind=0.0.0.0`: every interface, reported as the address toward the server.
        {
          ...config('alice', servers),
          localTransport: { name: 't', protocol: 'udp', bind: '0.0.0.0', tls: {} },
        },
        { clock, random: seeded(), transportFactory: nodeTransportFactory },
      );
      await ua.start();
      ua.register().catch(() => {});
      // Virtual time for the timers, a few real milliseconds per step for the datagrams; bounded.
      for (let i = 0; i < 200 && ua.registerer?.state !== 'registered'; i++) {
        clock.advance(500);
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(ua.registerer?.state).toBe('registered');
      // One REGISTER (Timer E may have resent it while the answer was on its way).
      expect(new Set(got.map((g) => g.req.via[0]?.branch)).size).toBe(1);
      const { req, source } = got[0]!;
      expect(source.host).toBe('127.0.0.1');
      expect(req.via[0]).toMatchObject({ host: '127.0.0.1', port: source.port });
      const contact = req.contact[0];
      expect(
        contact !== '*' && contact?.uri.kind === 'sip' && [contact.uri.hostname, contact.uri.port],
      ).toEqual(['127.0.0.1', source.port]);
      const stopping = ua.stop();
      for (let i = 0; i < 100 && ua.state !== 'stopped'; i++) {
        clock.advance(500);
        await new Promise((r) => setTimeout(r, 2));
      }
      await stopping;
    }, 10_000);
  });
});
