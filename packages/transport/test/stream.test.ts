import { readFileSync } from 'node:fs';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { SipRequest } from '@sipkit/parser';
import { ReconnectingTransport, redactCredentials, VirtualClock } from '@sipkit/transport';
import {
  type StreamTransport,
  type StreamTransportOptions,
  TcpTransport,
  TlsTransport,
} from '@sipkit/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent, optionsRequest } from './helpers.js';
import { bytes, nextMessage, okFor, selfSignedCert, until } from './sockets.js';

const cert = selfSignedCert();
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Kind = 'TCP' | 'TLS';
function make(kind: Kind, options: StreamTransportOptions): StreamTransport {
  const t =
    kind === 'TCP'
      ? new TcpTransport(options)
      : new TlsTransport({ ...options, tls: { key: cert.key, cert: cert.cert, ca: cert.cert } });
  cleanups.push(() => t.close());
  return t;
}

async function server(kind: Kind, host = '127.0.0.1', extra: StreamTransportOptions = {}) {
  const s = make(kind, { host, listen: true, ...extra });
  await s.connect();
  return s;
}

describe.each([
  ['TCP', '127.0.0.1'],
  ['TLS', '127.0.0.1'],
  ['TCP', '::1'],
  ['TLS', '::1'],
] as [Kind, string][])('%s transport on %s', (kind, host) => {
  it('exchanges a request and its response over one reused connection', async () => {
    const srv = await server(kind, host);
    expect(srv.local.port).toBeGreaterThan(0);
    expect(srv.protocol).toBe(kind);
    expect(srv.secure).toBe(kind === 'TLS');
    const cli = make(kind, { host, remote: srv.local });
    await cli.connect();
    expect(cli.local.port).toBeGreaterThan(0);
    const got = nextMessage(srv);
    const req = optionsRequest({ transport: kind, host, port: cli.local.port });
    await cli.send(req);
    const { msg, source } = await got;
    expect((msg as SipRequest).method).toBe('OPTIONS');
    expect(source).toEqual(cli.local);
    const back = nextMessage(cli);
    await srv.send(okFor(msg as SipRequest), source);
    const res = await back;
    expect(res.msg.kind === 'response' && res.msg.status).toBe(200);
    expect(srv.connectionCount).toBe(1);
    expect(cli.connectionCount).toBe(1);
  });
});

describe.each(['TCP', 'TLS'] as Kind[])('%s stream handling', (kind) => {
  it('reuses one connection per target for sends without a main peer', async () => {
    const srv = await server(kind);
    const cli = make(kind, {});
    await cli.connect();
    const seen: string[] = [];
    srv.on('message', (m) => seen.push(m.callId ?? ''));
    await Promise.all([
      cli.send(optionsRequest({ transport: kind, host: '127.0.0.1', port: 1, callId: 'one' }), srv.local),
      cli.send(optionsRequest({ transport: kind, host: '127.0.0.1', port: 1, callId: 'two' }), srv.local),
    ]);
    await cli.send(
      optionsRequest({ transport: kind, host: '127.0.0.1', port: 1, callId: 'three' }),
      srv.local,
    );
    await until(() => seen.length === 3);
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(cli.connectionCount).toBe(1);
    expect(srv.connectionCount).toBe(1);
  });

  it('reports the loss of the main connection as a flow failure', async () => {
    const srv = await server(kind);
    const cli = make(kind, { remote: srv.local });
    await cli.connect();
    const failed = nextEvent<string>((fn) => cli.on('flowFailed', fn));
    await srv.close();
    expect(await failed).toMatch(/closed/);
    expect(cli.state).toBe('disconnected');
    await expect(cli.send(bytes('x'))).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('reports each connection it loses, with the addresses sends reached it by, before the state change', async () => {
    const main = await server(kind);
    const other = await server(kind);
    const cli = make(kind, { remote: main.local });
    await cli.connect();
    expect(cli.connectionEvents).toBe(true);
    // The other connection is dialled by a name, as a target from a Route or DNS would be.
    const byName = { host: 'localhost', port: other.local.port };
    await cli.send(optionsRequest({ transport: kind, host: '127.0.0.1', port: 1 }), byName);
    expect(cli.hasConnection(byName)).toBe(true);
    expect(cli.hasConnection(main.local)).toBe(true);
    const events: string[] = [];
    const show = (e: { host: string; port: number }) =>
      `${e.host}:${e.port === other.local.port ? 'other' : 'main'}`;
    cli.on('connectionClosed', (peers, isMain) => events.push(`${peers.map(show).join(' ')} main=${isMain}`));
    cli.on('state', (state) => events.push(state));
    await other.close();
    await until(() => events.length === 1);
    expect(events).toEqual([`${other.local.host}:other localhost:other main=false`]);
    expect(cli.state).toBe('connected');
    expect(cli.hasConnection(byName)).toBe(false);
    await main.close();
    await until(() => events.length === 3);
    expect(events.slice(1)).toEqual([`${main.local.host}:main main=true`, 'disconnected']);
    expect(cli.hasConnection(main.local)).toBe(false);
  });

  it('fails to connect to a closed port', async () => {
    const srv = await server(kind);
    const port = srv.local.port;
    await srv.close();
    const cli = make(kind, { remote: { host: '127.0.0.1', port } });
    await expect(cli.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    expect(cli.state).toBe('disconnected');
  });
});

/** A plain TCP listener the test drives by hand (to write exact byte chunks). */
async function rawServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(r));
  });
  return { server, port: (server.address() as { port: number }).port, sockets };
}

function rawClient(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const s = netConnect(port, '127.0.0.1', () => resolve(s));
    cleanups.push(() => s.destroy());
  });
}

const msgText = (callId: string, body = '') =>
  `MESSAGE sip:bob@example.test SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK${callId}\r\n` +
  `Call-ID: ${callId}\r\nCSeq: 1 MESSAGE\r\nContent-Length: ${bytes(body).length}\r\n\r\n${body}`;

describe('TCP framing (parser StreamFramer)', () => {
  it('splits several messages in one chunk and joins a message split over chunks', async () => {
    const srv = await server('TCP');
    const raw = await rawClient(srv.local.port);
    const seen: string[] = [];
    srv.on('message', (m) => seen.push(`${m.callId}:${m.bodyText}`));
    raw.write(bytes(msgText('a', 'héllo') + msgText('b') + msgText('c', 'x')));
    await until(() => seen.length === 3);
    const split = bytes(msgText('d', 'split body'));
    for (const part of [
      split.slice(0, 10),
      split.slice(10, 60),
      split.slice(60, split.length - 3),
      split.slice(-3),
    ]) {
      raw.write(part);
      await new Promise((r) => setTimeout(r, 10));
    }
    await until(() => seen.length === 4);
    expect(seen).toEqual(['a:héllo', 'b:', 'c:x', 'd:split body']);
  });

  it('traces each framed message whole, so a credentials header cut between chunks is still redacted', async () => {
    const traced: string[] = [];
    const srv = await server('TCP', '127.0.0.1', {
      onTrace: (direction, data) => {
        if (direction === 'in') traced.push(typeof data === 'string' ? data : new TextDecoder().decode(data));
      },
    });
    const raw = await rawClient(srv.local.port);
    raw.setNoDelay(true);
    const seen: string[] = [];
    srv.on('message', (m) => seen.push(m.callId ?? ''));
    const text = msgText('auth').replace(
      'CSeq:',
      'Authorization: Digest username="alice", response="0123456789abcdef"\r\nCSeq:',
    );
    const cut = text.indexOf('response=') + 12;
    raw.write(text.slice(0, cut));
    // A gap so the two parts arrive as two chunks (loopback with Nagle off).
    await new Promise((r) => setTimeout(r, 20));
    raw.write(`${text.slice(cut)}\r\n\r\n`);
    await until(() => seen.length === 1);
    expect(traced).toEqual([text, '\r\n\r\n']);
    expect(traced.map((t) => redactCredentials(t)).join('')).not.toContain('0123456789');
  });

  it('answers a CRLF CRLF ping with a CRLF pong', async () => {
    const srv = await server('TCP');
    const raw = await rawClient(srv.local.port);
    const reply = new Promise<string>((r) => raw.once('data', (d) => r(d.toString('latin1'))));
    raw.write('\r\n\r\n');
    expect(await reply).toBe('\r\n');
  });

  it('closes the connection on a framing error', async () => {
    const srv = await server('TCP');
    const raw = await rawClient(srv.local.port);
    const err = nextEvent<Error>((fn) => srv.on('parseError', fn));
    const closed = new Promise<void>((r) => raw.once('close', () => r()));
    raw.write('MESSAGE sip:x SIP/2.0\r\nCall-ID: nolength\r\n\r\n');
    expect((await err).name).toBe('SipParseError');
    await closed;
    await until(() => srv.connectionCount === 0);
  });
});

describe('RFC 4475 3.3.9 (mcl01) over TCP', () => {
  it('reports the conflicting Content-Length headers and closes the connection', async () => {
    const mcl01 = readFileSync(new URL('../../../../shared/conformance/rfc4475/mcl01.dat', import.meta.url));
    const srv = await server('TCP');
    const raw = await rawClient(srv.local.port);
    const errors: Error[] = [];
    srv.on('parseError', (e) => errors.push(e));
    const messages: unknown[] = [];
    srv.on('message', (m) => messages.push(m));
    let reply = '';
    raw.on('data', (d) => (reply += d.toString('latin1')));
    const closed = new Promise<void>((r) => raw.once('close', () => r()));
    raw.write(mcl01);
    await closed;
    expect(errors.map((e) => e.message)).toEqual(['conflicting Content-Length headers']);
    expect(messages).toEqual([]);
    // Nothing to answer on a stream that cannot be framed: the connection just ends.
    expect(reply).toBe('');
    await until(() => srv.connectionCount === 0);
  });
});

describe('TCP timers on a virtual clock', () => {
  it('closes an idle connection, but not the main one', async () => {
    const clock = new VirtualClock();
    const srv = await server('TCP');
    const other = await server('TCP');
    const cli = make('TCP', { clock, idleTimeoutMs: 1000, remote: srv.local });
    await cli.connect();
    await cli.send(bytes(msgText('idle')), other.local);
    expect(cli.connectionCount).toBe(2);
    clock.advance(999);
    expect(cli.connectionCount).toBe(2);
    clock.advance(1);
    expect(cli.connectionCount).toBe(1);
    clock.advance(10_000);
    expect(cli.connectionCount).toBe(1);
    expect(cli.state).toBe('connected');
  });

  it('keeps a flow alive while pongs come back', async () => {
    const clock = new VirtualClock();
    const srv = await server('TCP');
    // Random 0: every ping goes out 800 ms (80 % of the interval) after the previous pong.
    let pongs = 0;
    const cli = make('TCP', {
      clock,
      onTrace: (direction, data) => {
        if (direction === 'in' && data.length === 2) pongs++;
      },
      random: () => new Uint8Array(7),
      remote: srv.local,
      keepAlive: { intervalMs: 1000 },
    });
    const failures: string[] = [];
    cli.on('flowFailed', (r) => failures.push(r));
    await cli.connect();
    for (let i = 0; i < 5; i++) {
      clock.advance(800); // ping sent
      await until(() => pongs === i + 1); // the pong is back (its trace)
      clock.advance(700); // the next ping is not due yet; a missed pong would not be either
    }
    clock.advance(100); // the sixth ping
    await until(() => pongs === 6);
    clock.advance(10_000 - 800);
    expect(failures).toEqual([]);
    expect(cli.state).toBe('connected');
  });

  it('reports a flow failure when the server does not answer pings', async () => {
    const clock = new VirtualClock();
    const raw = await rawServer();
    const cli = make('TCP', {
      clock,
      remote: { host: '127.0.0.1', port: raw.port },
      keepAlive: { intervalMs: 1000 },
    });
    const failures: string[] = [];
    cli.on('flowFailed', (r) => failures.push(r));
    await cli.connect();
    await until(() => raw.sockets.length === 1);
    const ping = new Promise<string>((r) => raw.sockets[0]!.once('data', (d) => r(d.toString('latin1'))));
    clock.advance(1000);
    expect(await ping).toBe('\r\n\r\n');
    clock.advance(10_000);
    expect(failures.length).toBe(1);
    expect(failures[0]).toMatch(/no keep-alive pong/);
    expect(cli.state).toBe('disconnected');
  });

  it('applies a Flow-Timer to its flows', async () => {
    const clock = new VirtualClock();
    const raw = await rawServer();
    const cli = make('TCP', {
      clock,
      random: () => new Uint8Array(7),
      remote: { host: '127.0.0.1', port: raw.port },
      keepAlive: true,
    });
    await cli.connect();
    await until(() => raw.sockets.length === 1);
    cli.setFlowTimer(5);
    const ping = new Promise<string>((r) => raw.sockets[0]!.once('data', (d) => r(d.toString('latin1'))));
    clock.advance(4000); // 80 % of 5 s with random 0
    expect(await ping).toBe('\r\n\r\n');
  });
});

describe('keepFlowAlive (a confirmed RFC 5626 outbound flow)', () => {
  /** A TCP client without keep-alives, connected to a raw server; counts pongs and flow failures. */
  async function rawFlow() {
    const clock = new VirtualClock();
    const raw = await rawServer();
    const seen = { pongs: 0, failures: [] as string[] };
    const cli = make('TCP', {
      clock,
      onTrace: (direction, data) => {
        if (direction === 'in' && data.length === 2) seen.pongs++;
      },
      random: () => new Uint8Array(7),
      remote: { host: '127.0.0.1', port: raw.port },
    });
    cli.on('flowFailed', (r) => seen.failures.push(r));
    await cli.connect();
    await until(() => raw.sockets.length === 1);
    const nextPing = () =>
      new Promise<string>((r) => raw.sockets[0]!.once('data', (d) => r(d.toString('latin1'))));
    return { clock, raw, cli, seen, nextPing };
  }

  it('starts pings with pong checks on a connection opened without keep-alives', async () => {
    const { clock, cli, seen, nextPing } = await rawFlow();
    clock.advance(60_000);
    expect(seen.failures).toEqual([]); // no keep-alives yet: nothing to miss
    cli.keepFlowAlive(5);
    const ping = nextPing();
    clock.advance(4000); // 80 % of 5 s with random 0
    expect(await ping).toBe('\r\n\r\n');
    // The raw server never answers: RFC 5626 counts the flow as failed after 10 s.
    clock.advance(10_000);
    expect(seen.failures.length).toBe(1);
    expect(seen.failures[0]).toMatch(/no keep-alive pong/);
  });

  it('reads a lone CRLF as the pong once it pings, and keeps the flow up', async () => {
    const { clock, raw, cli, seen, nextPing } = await rawFlow();
    cli.keepFlowAlive(5);
    cli.keepFlowAlive(60); // already kept alive: no change
    for (let i = 0; i < 3; i++) {
      const ping = nextPing();
      clock.advance(4000); // 80 % of 5 s after the last pong, with random 0
      expect(await ping).toBe('\r\n\r\n');
      raw.sockets[0]!.write('\r\n');
      await until(() => seen.pongs === i + 1); // the pong is back (its trace)
    }
    clock.advance(3999);
    expect(seen.failures).toEqual([]);
    expect(cli.state).toBe('connected');
  });

  it('keeps the latest Flow-Timer for the next connection', async () => {
    const { clock, raw, cli } = await rawFlow();
    cli.keepFlowAlive(5);
    cli.setFlowTimer(20);
    raw.sockets[0]!.destroy();
    await until(() => cli.state === 'disconnected');
    await cli.connect();
    await until(() => raw.sockets.length === 2);
    let got = '';
    raw.sockets[1]!.on('data', (d) => {
      got += d.toString('latin1');
    });
    clock.advance(15_999); // 80 % of 20 s with random 0, less 1 ms: 5 s would have pinged by now
    // A message sent now arrives after any ping written before it (TCP keeps the order).
    const marker = msgText('marker');
    await cli.send(bytes(marker), { host: '127.0.0.1', port: raw.port });
    await until(() => got.endsWith(marker));
    expect(got).toBe(marker);
    clock.advance(1);
    await until(() => got === `${marker}\r\n\r\n`);
  });
});

describe('TLS trust', () => {
  it('refuses a server whose certificate it does not trust', async () => {
    const srv = await server('TLS');
    const cli = new TlsTransport({ remote: srv.local, tls: { rejectUnauthorized: true } });
    cleanups.push(() => cli.close());
    await expect(cli.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });
});

describe('ReconnectingTransport over real TCP', () => {
  it('fails over from a dead heavy server to a live light one and talks to it', async () => {
    const dead = await server('TCP');
    const deadPort = dead.local.port;
    await dead.close();
    const live = await server('TCP');
    const t = new ReconnectingTransport<number>({
      servers: [
        { server: deadPort, weight: 10 },
        { server: live.local.port, weight: 1 },
      ],
      create: (port) => new TcpTransport({ remote: { host: '127.0.0.1', port } }),
    });
    cleanups.push(() => t.close());
    const attempts: number[] = [];
    t.on('attempt', (p) => attempts.push(p));
    await t.connect();
    expect(attempts).toEqual([deadPort, live.local.port]);
    const got = nextMessage(live);
    await t.send(bytes(msgText('failover')));
    expect((await got).msg.callId).toBe('failover');
  });
});
