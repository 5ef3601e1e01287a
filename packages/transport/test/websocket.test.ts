import { createServer as createHttpsServer } from 'node:https';
import { DEFAULT_LIMITS, serialize } from '@sipkit/parser';
import {
  ReconnectingTransport,
  VirtualClock,
  WebSocketTransport,
  type WebSocketTransportOptions,
} from '@sipkit/transport';
import { createNodeWebSocketTransport, nodeWebSocketWith } from '@sipkit/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { nextEvent, optionsRequest } from './helpers.js';
import { bytes, okFor, selfSignedCert, until } from './sockets.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Frame {
  text: string;
  binary: boolean;
}

/** A `ws` server on 127.0.0.1 that records frames; `acceptSip: false` refuses the subprotocol. */
async function wsServer(acceptSip = true) {
  const frames: Frame[] = [];
  const peers: WebSocket[] = [];
  const offered: string[][] = [];
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => {
      offered.push([...protocols]);
      return acceptSip && protocols.has('sip') ? 'sip' : false;
    },
  });
  wss.on('connection', (ws) => {
    peers.push(ws);
    ws.on('message', (data, isBinary) => frames.push({ text: data.toString(), binary: isBinary }));
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((r) => {
      for (const p of peers) p.terminate();
      wss.close(() => r());
    });
    return closed;
  };
  cleanups.push(close);
  const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  return { wss, url, frames, peers, offered, close };
}

function client(options: WebSocketTransportOptions) {
  const t = createNodeWebSocketTransport(options);
  cleanups.push(() => t.close());
  return t;
}

/** An open fake socket whose close event comes only when the test says so. */
function fakeOpen() {
  const sockets: Fake[] = [];
  class Fake {
    readyState = 0;
    protocol = 'sip';
    binaryType = '';
    onopen: ((e: unknown) => void) | null = null;
    onclose: ((e: { code: number; reason: string }) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    onmessage: ((e: { data: unknown }) => void) | null = null;
    closeCalls: number[] = [];
    constructor() {
      sockets.push(this);
      queueMicrotask(() => {
        this.readyState = 1;
        this.onopen?.({});
      });
    }
    send() {}
    close(code: number) {
      this.closeCalls.push(code);
      this.readyState = 2;
    }
    fireClose() {
      this.readyState = 3;
      this.onclose?.({ code: 1000, reason: '' });
    }
  }
  return { Fake, sockets };
}

describe('WebSocketTransport with ws (RFC 7118)', () => {
  it('offers the sip subprotocol and exchanges messages as one frame each', async () => {
    const srv = await wsServer();
    const traced: string[] = [];
    const t = client({ url: srv.url, onTrace: (d) => traced.push(d) });
    expect(t.protocol).toBe('WS');
    expect(t.reliable).toBe(true);
    expect(t.secure).toBe(false);
    expect(t.local.host).toMatch(/^[a-z0-9]{12}\.invalid$/);
    await t.connect();
    expect(srv.offered).toEqual([['sip']]);
    const req = optionsRequest({ transport: 'WS', host: t.local.host, port: 0 });
    await t.send(req);
    await until(() => srv.frames.length === 1);
    expect(srv.frames[0]!.binary).toBe(false);
    expect(srv.frames[0]!.text.startsWith('OPTIONS sip:example.test SIP/2.0\r\n')).toBe(true);

    // The server answers in a text frame, then sends a request in a binary frame.
    const got: string[] = [];
    t.on('message', (m, source) => got.push(`${m.kind}:${m.callId}:${source.host}:${source.port}`));
    const ok = okFor(req);
    srv.peers[0]!.send(new TextDecoder().decode(serialize(ok)));
    const inReq = optionsRequest({ transport: 'WS', host: 'server.invalid', port: 0, callId: 'bin-1' });
    srv.peers[0]!.send(serialize(inReq), { binary: true });
    await until(() => got.length === 2);
    const port = new URL(srv.url).port;
    expect(got).toEqual([`response:${req.callId}:127.0.0.1:${port}`, `request:bin-1:127.0.0.1:${port}`]);
    expect(traced).toEqual(['out', 'in', 'in']);
  });

  it('answers the server CRLF CRLF ping with a CRLF pong', async () => {
    const srv = await wsServer();
    const t = client({ url: srv.url });
    await t.connect();
    await until(() => srv.peers.length === 1);
    srv.peers[0]!.send('\r\n\r\n');
    await until(() => srv.frames.length === 1);
    expect(srv.frames[0]!.text).toBe('\r\n');
  });

  it('reports a frame that does not parse', async () => {
    const srv = await wsServer();
    const t = client({ url: srv.url });
    await t.connect();
    await until(() => srv.peers.length === 1);
    const err = nextEvent<Error>((fn) => t.on('parseError', fn));
    srv.peers[0]!.send('hello');
    expect((await err).name).toBe('SipParseError');
  });

  it('refuses a server that does not select the sip subprotocol', async () => {
    const srv = await wsServer(false);
    const t = client({ url: srv.url });
    // ws itself fails the handshake here; a browser opens and leaves the check to us (next test).
    await expect(t.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    expect(t.state).toBe('disconnected');
  });

  it('fails to connect to a closed port and reports a dropped connection', async () => {
    const srv = await wsServer();
    const t = client({ url: srv.url });
    await t.connect();
    const failed = nextEvent<string>((fn) => t.on('flowFailed', fn));
    const states: string[] = [];
    t.on('state', (s) => states.push(s));
    srv.peers[0]!.close(1001, 'going away');
    expect(await failed).toMatch(/1001/);
    expect(states).toEqual(['disconnected']);
    await expect(t.send(bytes('x'))).rejects.toMatchObject({ code: 'NOT_CONNECTED' });

    await srv.close();
    const u = client({ url: srv.url });
    await expect(u.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('closes the connection (1009) on a frame larger than maxMessageBytes instead of buffering it', async () => {
    const srv = await wsServer();
    const t = client({ url: srv.url, limits: { maxMessageBytes: 1000 } });
    await t.connect();
    await until(() => srv.peers.length === 1);
    const closed = new Promise<number>((r) => srv.peers[0]!.once('close', (code) => r(code)));
    const messages: unknown[] = [];
    t.on('message', (m) => messages.push(m));
    const big = optionsRequest({
      transport: 'WS',
      host: 'server.invalid',
      port: 0,
      callId: 'x'.repeat(1200),
    });
    srv.peers[0]!.send(new TextDecoder().decode(serialize(big)));
    expect(await closed).toBe(1009);
    await until(() => t.state === 'disconnected');
    expect(messages).toEqual([]);
  });

  it('caps frames at the parser default without limits, also through nodeWebSocketWith', async () => {
    const srv = await wsServer();
    const a = client({ url: srv.url });
    const b = client({ url: srv.url, WebSocket: nodeWebSocketWith({}) });
    await a.connect();
    await b.connect();
    await until(() => srv.peers.length === 2);
    const codes = srv.peers.map((p) => new Promise<number>((r) => p.once('close', (code) => r(code))));
    // One byte over the default: not a valid message either way, but only the cap closes the connection.
    for (const p of srv.peers) p.send('x'.repeat(DEFAULT_LIMITS.maxMessageBytes + 1));
    expect(await Promise.all(codes)).toEqual([1009, 1009]);
  });

  it('pings the server and fails the flow when no pong comes within 10 s', async () => {
    const clock = new VirtualClock();
    const srv = await wsServer();
    let pongs = 0;
    const t = client({
      url: srv.url,
      clock,
      onTrace: (direction, data) => {
        if (direction === 'in' && data === '\r\n') pongs++;
      },
      keepAlive: { intervalMs: 1000 },
      random: () => new Uint8Array(7),
    });
    const failures: string[] = [];
    t.on('flowFailed', (r) => failures.push(r));
    await t.connect();
    clock.advance(800);
    await until(() => srv.frames.length === 1);
    expect(srv.frames[0]!.text).toBe('\r\n\r\n');
    srv.peers[0]!.send('\r\n'); // pong
    await until(() => pongs === 1);
    clock.advance(800 + 9_999);
    await until(() => srv.frames.length === 2);
    expect(failures).toEqual([]);
    clock.advance(1);
    expect(failures).toEqual(['no keep-alive pong within 10000 ms']);
    expect(t.state).toBe('disconnected');
  });

  it('rejects URLs that are not ws: or wss:', () => {
    expect(() => new WebSocketTransport({ url: 'http://x' })).toThrow(/ws: or wss:/);
    expect(() => new WebSocketTransport({ url: 'nonsense' })).toThrow(/not a URL/);
    const wss = new WebSocketTransport({ url: 'wss://[::1]/sip', viaHost: 'me.invalid' });
    expect([wss.protocol, wss.secure, wss.server.host, wss.server.port, wss.local.host]).toEqual([
      'WSS',
      true,
      '::1',
      443,
      'me.invalid',
    ]);
  });
});

describe('a WebSocket URL with a password', () => {
  const SECRET = 's3cret-pass';

  /** A logger that keeps every line. */
  function recorder() {
    const lines: string[] = [];
    const log = (m: string) => lines.push(m);
    return { lines, logger: { debug: log, info: log, warn: log, error: log } };
  }

  /** Every message of an error and of its causes. */
  function messages(err: unknown): string[] {
    const out: string[] = [];
    for (let e = err; e instanceof Error; e = e.cause) out.push(String(e), e.message);
    return out;
  }

  it('never reaches a log line or an error when connecting fails', async () => {
    const srv = await wsServer();
    const port = new URL(srv.url).port;
    await srv.close();
    const { lines, logger } = recorder();
    const t = new ReconnectingTransport({
      servers: [`ws://alice:${SECRET}@127.0.0.1:${port}/`],
      create: (url) => createNodeWebSocketTransport({ url, logger }),
      logger,
      maxAttempts: 1,
    });
    cleanups.push(() => t.close());
    const states: unknown[] = [];
    t.on('state', (_s, e) => states.push(e));
    const error = await t.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NO_SERVER' });
    const seen = [...lines, ...messages(error), ...states.flatMap(messages)];
    expect(seen.filter((l) => l.includes(SECRET))).toEqual([]);
    expect(lines).toContain(`connecting to ws://***@127.0.0.1:${port}/`);
    expect(messages(error)).toContain(`cannot connect to ws://***@127.0.0.1:${port}/`);
  });

  it('still gives ws the credentials, and a dropped connection does not show them', async () => {
    const srv = await wsServer();
    const auth = new Promise<string | undefined>((r) =>
      srv.wss.once('connection', (_ws, req) => r(req.headers.authorization)),
    );
    const { lines, logger } = recorder();
    const t = client({ url: srv.url.replace('ws://', `ws://alice:${SECRET}@`), logger });
    await t.connect();
    expect(await auth).toBe(`Basic ${Buffer.from(`alice:${SECRET}`).toString('base64')}`);
    const dropped = nextEvent<string>((fn) => t.on('flowFailed', fn));
    srv.peers[0]!.close(1001, 'going away');
    const reason = await dropped;
    expect(reason).toMatch(/^ws:\/\/\*\*\*@127\.0\.0\.1:\d+\/? closed \(1001 going away\)$/);
    await expect(t.send(bytes('x'))).rejects.toBeDefined();
    expect(lines.filter((l) => l.includes(SECRET))).toEqual([]);
  });

  it('is left out of the errors of a bad URL, a failing constructor and a timeout', async () => {
    const caught = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      throw new Error('did not throw');
    };
    const bad = [
      caught(() => new WebSocketTransport({ url: `http://alice:${SECRET}@example.test/` })),
      caught(() => new WebSocketTransport({ url: `ws://alice:${SECRET}@[oops/` })),
    ];
    expect(bad.map((e) => (e as Error).message)).toEqual([
      'not a ws: or wss: URL: http://***@example.test/',
      'not a URL: ws://***@[oops/',
    ]);
    // `ws` throws with the whole URL in its message.
    class Throwing {
      constructor(url: string) {
        throw new SyntaxError(`Invalid URL: ${url}`);
      }
    }
    const clock = new VirtualClock();
    const thrown = await new WebSocketTransport({
      url: `wss://alice:${SECRET}@edge.example.test/`,
      WebSocket: Throwing as unknown as WebSocketTransportOptions['WebSocket'],
      clock,
    })
      .connect()
      .catch((e: unknown) => e);
    class Silent {
      readyState = 0;
      protocol = '';
      binaryType = '';
      onopen = null;
      onclose = null;
      onerror = null;
      onmessage = null;
      send() {}
      close() {}
    }
    const silent = new WebSocketTransport({
      url: `wss://alice:${SECRET}@edge.example.test/`,
      WebSocket: Silent,
      clock,
    });
    const timedOut = silent.connect().catch((e: unknown) => e);
    clock.advance(10_000);
    const all = [...bad, thrown, await timedOut].flatMap(messages);
    expect(all.filter((m) => m.includes(SECRET))).toEqual([]);
    expect((thrown as Error).message).toBe(
      'cannot open wss://***@edge.example.test/: Invalid URL: wss://***@edge.example.test/',
    );
    expect(((await timedOut) as Error).message).toBe('wss://***@edge.example.test/ did not open in 10000 ms');
  });
});

describe('WebSocketTransport connect timeout (virtual clock, fake socket)', () => {
  it('gives up when the socket never opens', async () => {
    const clock = new VirtualClock();
    let closed = false;
    class Silent {
      readyState = 0;
      protocol = '';
      binaryType = '';
      onopen = null;
      onclose = null;
      onerror = null;
      onmessage = null;
      send() {}
      close() {
        closed = true;
      }
    }
    const t = new WebSocketTransport({
      url: 'ws://127.0.0.1:9',
      WebSocket: Silent,
      clock,
      connectTimeoutMs: 500,
    });
    const p = t.connect();
    clock.advance(500);
    await expect(p).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
    expect(closed).toBe(true);
  });

  it('close() while the socket is still opening rejects connect() at once and leaves no timer', async () => {
    const clock = new VirtualClock();
    class Silent {
      readyState = 0;
      protocol = '';
      binaryType = '';
      onopen = null;
      onclose: ((e: { code: number; reason: string }) => void) | null = null;
      onerror = null;
      onmessage = null;
      send() {}
      close() {
        this.readyState = 3;
        queueMicrotask(() => this.onclose?.({ code: 1006, reason: '' }));
      }
    }
    const t = new WebSocketTransport({ url: 'ws://127.0.0.1:9', WebSocket: Silent, clock });
    const connecting = t.connect();
    await t.close();
    await expect(connecting).rejects.toMatchObject({ code: 'CLOSED' });
    expect(t.state).toBe('closed');
    expect(clock.pending).toBe(0);
  });

  it('once open, an error is left to the close event, which drops the connection; frames still arrive', async () => {
    const { Fake, sockets } = fakeOpen();
    const t = new WebSocketTransport({
      url: 'ws://127.0.0.1:9',
      WebSocket: Fake,
      clock: new VirtualClock(),
    });
    await t.connect();
    const socket = sockets[0]!;
    expect(t.local.host).toMatch(/^[0-9a-z]{12}\.invalid$/i);
    const received: string[] = [];
    t.on('message', (m) => received.push(m.kind));
    const states: string[] = [];
    t.on('state', (s) => states.push(s));
    socket.onmessage!({
      data: serialize(optionsRequest({ transport: 'WS', host: 'a.invalid', port: 0 })).slice().buffer,
    });
    expect(received).toEqual(['request']);
    socket.onerror!({});
    expect(t.state).toBe('connected');
    const failed = nextEvent<string>((fn) => t.on('flowFailed', fn));
    socket.readyState = 3;
    socket.onclose!({ code: 1006, reason: 'gone' });
    expect(await failed).toMatch(/closed \(1006 gone\)/);
    expect(states).toEqual(['disconnected']);
  });

  it('closes a socket that opened without the sip subprotocol (RFC 7118 section 4)', async () => {
    let closed = false;
    class NoProtocol {
      readyState = 0;
      protocol = '';
      binaryType = '';
      onopen: ((e: unknown) => void) | null = null;
      onclose = null;
      onerror = null;
      onmessage = null;
      constructor() {
        queueMicrotask(() => {
          this.readyState = 1;
          this.onopen?.({});
        });
      }
      send() {}
      close() {
        closed = true;
      }
    }
    const t = new WebSocketTransport({ url: 'ws://127.0.0.1:9', WebSocket: NoProtocol });
    await expect(t.connect()).rejects.toMatchObject({ code: 'PROTOCOL' });
    expect(closed).toBe(true);
    await t.close();
  });
});

describe('WebSocketTransport close', () => {
  it('resolves only once the socket emitted close; a second close() is the same wait', async () => {
    const clock = new VirtualClock();
    const { Fake, sockets } = fakeOpen();
    const t = new WebSocketTransport({ url: 'ws://127.0.0.1:9', WebSocket: Fake, clock });
    await t.connect();
    let done = false;
    const closing = t.close().then(() => {
      done = true;
    });
    const again = t.close();
    await new Promise((r) => setImmediate(r));
    expect(sockets[0]!.closeCalls).toEqual([1000]);
    expect(t.state).toBe('closed');
    expect(done).toBe(false);
    sockets[0]!.fireClose();
    await closing;
    await again;
    expect(done).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('gives up waiting after closeTimeoutMs when the close event never comes', async () => {
    const clock = new VirtualClock();
    const { Fake } = fakeOpen();
    const t = new WebSocketTransport({
      url: 'ws://127.0.0.1:9',
      WebSocket: Fake,
      clock,
      closeTimeoutMs: 300,
    });
    await t.connect();
    let done = false;
    const closing = t.close().then(() => {
      done = true;
    });
    clock.advance(299);
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    clock.advance(1);
    await closing;
    expect(done).toBe(true);
  });

  it('with ws: after close() the server has seen the connection end', async () => {
    const srv = await wsServer();
    const t = client({ url: srv.url });
    await t.connect();
    await until(() => srv.peers.length === 1);
    const serverSaw = new Promise<number>((r) => srv.peers[0]!.once('close', (code) => r(code)));
    await t.close();
    expect(await serverSaw).toBe(1000);
  });
});

describe('WSS with ws', () => {
  it('connects over TLS to a server with a certificate the client is told to trust', async () => {
    const cert = selfSignedCert();
    const https = createHttpsServer({ key: cert.key, cert: cert.cert });
    const wss = new WebSocketServer({
      server: https,
      handleProtocols: (p) => (p.has('sip') ? 'sip' : false),
    });
    const frames: string[] = [];
    wss.on('connection', (ws) => ws.on('message', (d) => frames.push(d.toString())));
    await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const c of wss.clients) c.terminate();
          wss.close();
          https.close(() => r());
        }),
    );
    const port = (https.address() as { port: number }).port;
    const t = client({ url: `wss://127.0.0.1:${port}`, WebSocket: nodeWebSocketWith({ ca: cert.cert }) });
    expect(t.protocol).toBe('WSS');
    await t.connect();
    await t.send(optionsRequest({ transport: 'WSS', host: t.local.host, port: 0, callId: 'over-tls' }));
    await until(() => frames.length === 1);
    expect(frames[0]).toContain('Call-ID: over-tls');

    const untrusting = client({ url: `wss://127.0.0.1:${port}` });
    await expect(untrusting.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });
});
