import { createSocket, type Socket } from 'node:dgram';
import { type Endpoint, VirtualClock } from '@sipkit/transport';
import {
  parseStun,
  STUN_BINDING_REQUEST,
  STUN_BINDING_SUCCESS,
  stunBindingRequest,
  stunBindingSuccess,
  UdpTransport,
} from '@sipkit/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { bytes, until } from './sockets.js';

/** Every draw zero: the keep-alive waits exactly 80 % of its interval, and ids are all zero. */
const zeros = (n: number) => new Uint8Array(n);

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

/** A plain socket playing the server: records the Binding requests, answers as `answer` says. */
async function stunServer(answer: (from: Endpoint, n: number) => Endpoint | undefined) {
  const socket: Socket = createSocket('udp4');
  const requests: number[] = [];
  const server = { requests, at: { host: '127.0.0.1', port: 0 } as Endpoint, clockNow: () => 0 };
  socket.on('message', (buf, rinfo) => {
    const msg = parseStun(new Uint8Array(buf));
    expect(msg.type).toBe(STUN_BINDING_REQUEST);
    requests.push(server.clockNow());
    const mapped = answer({ host: rinfo.address, port: rinfo.port }, requests.length);
    if (mapped) socket.send(stunBindingSuccess(msg.transactionId, mapped), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  server.at.port = socket.address().port;
  cleanup.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return server;
}

async function client(clock: VirtualClock, remote?: Endpoint) {
  const t = new UdpTransport({ clock, random: zeros, remote });
  cleanup.push(() => t.close());
  await t.connect();
  const failures: string[] = [];
  t.on('flowFailed', (reason) => failures.push(reason));
  const responses = () => t.keepAliveResponses;
  return { t, failures, responses };
}

/** Lets a datagram cross loopback and its answer come back (real time; the clock stays put). */
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('UdpTransport STUN keep-alive (RFC 5626 section 4.4.2)', () => {
  it('sends a Binding request every 80-100 % of the interval to the remote, once per call', async () => {
    const clock = new VirtualClock();
    const server = await stunServer((from) => from);
    server.clockNow = () => clock.now();
    const { t, failures, responses } = await client(clock, server.at);
    t.keepFlowAlive(10);
    t.keepFlowAlive(10);
    t.keepFlowAlive(3);
    clock.advance(7_999);
    await settle();
    expect(server.requests).toEqual([]);
    clock.advance(1);
    // Answered requests: no retransmission, no failure past the 39.5 s a lost one would take.
    for (let i = 1; i <= 9; i++) {
      await until(() => responses() === i);
      clock.advance(8_000);
    }
    expect(server.requests).toEqual([8_000, 16_000, 24_000, 32_000, 40_000, 48_000, 56_000, 64_000, 72_000]);
    expect(failures).toEqual([]);
  });

  it('follows a later Flow-Timer (setFlowTimer), as the stream transports do; the same value changes nothing', async () => {
    const clock = new VirtualClock();
    const server = await stunServer((from) => from);
    server.clockNow = () => clock.now();
    const { t, failures, responses } = await client(clock, server.at);
    t.keepFlowAlive(10);
    clock.advance(8_000);
    await until(() => responses() === 1);
    // A refresh 2xx with the same Flow-Timer, 2 s into the 8 s wait: the wait goes on.
    clock.advance(2_000);
    t.setFlowTimer(10);
    clock.advance(6_000);
    await until(() => responses() === 2);
    // One with Flow-Timer 5, 1 s into the wait: the next request 4 s from then, and every 4 s after.
    clock.advance(1_000);
    t.setFlowTimer(5);
    for (let i = 3; i <= 4; i++) {
      clock.advance(4_000);
      await until(() => responses() === i);
    }
    expect(server.requests).toEqual([8_000, 16_000, 21_000, 25_000]);
    expect(failures).toEqual([]);
    expect(() => t.setFlowTimer(0)).toThrow(RangeError);
  });

  it('retransmits 500 ms doubling, 7 requests, then fails the flow 8 s after the last', async () => {
    const clock = new VirtualClock();
    const server = await stunServer(() => undefined);
    server.clockNow = () => clock.now();
    const { t, failures } = await client(clock, server.at);
    t.keepFlowAlive(10);
    const due = [8_000, 8_500, 9_500, 11_500, 15_500, 23_500, 39_500];
    for (const [i, at] of due.entries()) {
      clock.advance(at - clock.now());
      await until(() => server.requests.length === i + 1);
    }
    expect(server.requests).toEqual(due);
    clock.advance(7_999);
    expect(failures).toEqual([]);
    clock.advance(1);
    expect(failures).toEqual(['no STUN Binding response after 7 requests']);
    expect(clock.pending).toBe(0);
    // A new call (the user agent re-registered) starts afresh.
    t.keepFlowAlive(10);
    clock.advance(8_000);
    await until(() => server.requests.length === 8);
  });

  it('treats a changed mapped address as a failed flow (the NAT binding moved)', async () => {
    const clock = new VirtualClock();
    const server = await stunServer((from, n) => ({
      host: '192.0.2.7',
      port: n === 3 ? from.port + 1 : from.port,
    }));
    const { t, failures, responses } = await client(clock, server.at);
    t.keepFlowAlive(10);
    for (let n = 1; n <= 2; n++) {
      clock.advance(8_000);
      await until(() => responses() === n);
    }
    expect(failures).toEqual([]);
    clock.advance(8_000);
    await until(() => failures.length === 1);
    expect(failures[0]).toMatch(/^STUN mapped address changed from 192\.0\.2\.7:\d+ to 192\.0\.2\.7:\d+$/);
    expect(clock.pending).toBe(0);
  });

  it('ignores a response for another transaction', async () => {
    const clock = new VirtualClock();
    const server = await stunServer(() => undefined);
    const { t, failures } = await client(clock, server.at);
    const stray = createSocket('udp4');
    cleanup.push(() => new Promise<void>((resolve) => stray.close(() => resolve())));
    t.keepFlowAlive(10);
    clock.advance(8_000);
    await until(() => server.requests.length === 1);
    const other = Uint8Array.from({ length: 12 }, () => 9);
    stray.send(stunBindingSuccess(other, { host: '127.0.0.1', port: 1 }), t.local.port, '127.0.0.1');
    await settle();
    clock.advance(31_500 + 8_000);
    expect(failures).toEqual(['no STUN Binding response after 7 requests']);
  });

  it('stops on close, and does nothing without a remote', async () => {
    const clock = new VirtualClock();
    const server = await stunServer((from) => from);
    const { t } = await client(clock, server.at);
    t.keepFlowAlive(10);
    expect(clock.pending).toBe(1);
    await t.close();
    expect(clock.pending).toBe(0);
    t.keepFlowAlive(10);
    expect(clock.pending).toBe(0);
    const alone = await client(clock);
    alone.t.keepFlowAlive(10);
    expect(clock.pending).toBe(0);
  });

  it('answers a Binding request with the sender address, and keeps STUN from the SIP parser', async () => {
    const clock = new VirtualClock();
    const { t: server } = await client(clock);
    const seen: unknown[] = [];
    server.on('message', (m) => seen.push(m));
    server.on('parseError', (e) => seen.push(e));
    const socket = createSocket('udp4');
    cleanup.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    const answers: Uint8Array[] = [];
    socket.on('message', (buf) => answers.push(new Uint8Array(buf)));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const id = Uint8Array.from({ length: 12 }, (_, i) => i + 1);
    socket.send(stunBindingRequest(id), server.local.port, '127.0.0.1');
    await until(() => answers.length === 1);
    const answer = parseStun(answers[0]!);
    expect(answer.type).toBe(STUN_BINDING_SUCCESS);
    expect(answer.transactionId).toEqual(id);
    expect(answer.mapped).toEqual({ host: '127.0.0.1', port: socket.address().port });
    // A Binding response nobody asked for and a malformed STUN datagram are dropped silently.
    socket.send(answers[0]!, server.local.port, '127.0.0.1');
    const broken = stunBindingSuccess(id, { host: '127.0.0.1', port: 1 });
    broken[HEADER_FAMILY] = 7;
    socket.send(broken, server.local.port, '127.0.0.1');
    socket.send(bytes('\r\n\r\n'), server.local.port, '127.0.0.1');
    await settle();
    expect(seen).toEqual([]);
    expect(answers.length).toBe(1);
  });

  it('answers a Binding request with unknown comprehension-required attributes with a 420', async () => {
    const { t: server } = await client(new VirtualClock());
    const socket = createSocket('udp4');
    cleanup.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    const answers: string[] = [];
    socket.on('message', (buf) => answers.push(buf.toString('hex')));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const id = '0102030405060708090a0b0c';
    // PRIORITY (0x0024, comprehension-required), SOFTWARE "abc" (optional), 0x7fff empty.
    const request = `000100142112a442${id}00240004 6e001eff 80220003 61626300 7fff0000`;
    socket.send(Buffer.from(request.replace(/ /g, ''), 'hex'), server.local.port, '127.0.0.1');
    await until(() => answers.length === 1);
    const reason = Buffer.from('Unknown Attribute').toString('hex');
    expect(answers[0]).toBe(
      `011100242112a442${id}00090015 00000414 ${reason}000000 000a0004 00247fff`.replace(/ /g, ''),
    );
    // Optional attributes alone are ignored: a success response as usual.
    socket.send(Buffer.from(`000100082112a442${id}8022000361626300`, 'hex'), server.local.port, '127.0.0.1');
    await until(() => answers.length === 2);
    expect(answers[1]!.slice(0, 4)).toBe('0101');
  });

  it('a sipkit UDP transport keeps its flow to another alive: requests answered, no failure', async () => {
    const clock = new VirtualClock();
    const { t: server } = await client(new VirtualClock());
    const { t, failures, responses } = await client(clock, server.local);
    t.keepFlowAlive(5);
    // Ten answered rounds: 40 s, past the 39.5 s after which an unanswered request fails the flow.
    for (let i = 1; i <= 10; i++) {
      clock.advance(4_000);
      await until(() => responses() === i);
    }
    expect(failures).toEqual([]);
  });
});

/** Byte offset of the address family in a response whose first attribute is XOR-MAPPED-ADDRESS. */
const HEADER_FAMILY = 20 + 5;
