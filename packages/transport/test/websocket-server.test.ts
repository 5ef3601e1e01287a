import { serialize } from '@sipkit/parser';
import { TransportError } from '@sipkit/transport';
import { createNodeWebSocketTransport, WebSocketServerTransport } from '@sipkit/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { nextEvent, optionsRequest } from './helpers.js';
import { bytes, nextMessage, okFor, until } from './sockets.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(traced?: string[]) {
  const t = new WebSocketServerTransport({
    host: '127.0.0.1',
    port: 0,
    onTrace:
      traced &&
      ((dir, data) =>
        traced.push(`${dir} ${typeof data === 'string' ? data : new TextDecoder().decode(data)}`)),
  });
  cleanups.push(() => t.close());
  await t.connect();
  return { t, url: `ws://127.0.0.1:${t.local.port}` };
}

/** A raw `ws` client offering `protocols`; resolves once open, with every frame it receives. */
async function rawClient(url: string, protocols: string[] = ['sip']) {
  const ws = new WebSocket(url, protocols);
  cleanups.push(() => ws.terminate());
  const frames: { text: string; binary: boolean }[] = [];
  ws.on('message', (data, isBinary) => frames.push({ text: data.toString(), binary: isBinary }));
  const closed = new Promise<{ code: number }>((r) => ws.once('close', (code) => r({ code })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

describe('WebSocketServerTransport (RFC 7118, Node)', () => {
  it('listens on a free port, takes a request from a sipkit client and answers over the same connection', async () => {
    const traced: string[] = [];
    const { t, url } = await server(traced);
    expect(t.state).toBe('connected');
    expect(t.local.port).toBeGreaterThan(0);
    const c = createNodeWebSocketTransport({ url });
    cleanups.push(() => c.close());
    await c.connect();
    await until(() => t.connectionCount === 1);

    const req = optionsRequest({ transport: 'WS', host: 'client.invalid', port: 0 });
    const got = nextMessage(t);
    await c.send(req);
    const { msg, source } = await got;
    expect(msg.kind).toBe('request');
    expect(msg.headers.get('call-id')).toBe(req.headers.get('call-id'));
    expect(source.host).toBe('127.0.0.1');

    const answer = nextMessage(c);
    await t.send(okFor(req), source);
    const { msg: res } = await answer;
    expect(res.kind === 'response' && res.status).toBe(200);
    expect(traced.map((l) => l.slice(0, 10))).toEqual(['in OPTIONS', 'out SIP/2.']);
  });

  it('sends text frames, or binary for a message that is not UTF-8, and reads both', async () => {
    const { t, url } = await server();
    const cl = await rawClient(url);
    const source = await new Promise<{ host: string; port: number }>((resolve) => {
      const off = t.on('message', (_m, from) => {
        off();
        resolve(from);
      });
      cl.ws.send(Buffer.from(serialize(optionsRequest({ transport: 'WS', host: 'a.invalid', port: 0 }))));
    });
    const req = optionsRequest({ transport: 'WS', host: 'a.invalid', port: 0 });
    await t.send(serialize(okFor(req)), source);
    const latin1 = new Uint8Array([...bytes('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 1\r\n\r\n'), 0xe9]);
    await t.send(latin1, source);
    await until(() => cl.frames.length === 2);
    expect(cl.frames.map((f) => f.binary)).toEqual([false, true]);
    expect(cl.frames[0]!.text.startsWith('SIP/2.0 200 OK')).toBe(true);
  });

  it('answers a double-CRLF ping with a CRLF pong and ignores a pong', async () => {
    const { t, url } = await server();
    const cl = await rawClient(url);
    let messages = 0;
    t.on('message', () => messages++);
    cl.ws.send('\r\n');
    cl.ws.send('\r\n\r\n');
    await until(() => cl.frames.length === 1);
    expect(cl.frames[0]).toEqual({ text: '\r\n', binary: false });
    expect(messages).toBe(0);
  });

  it('closes a connection that does not offer the sip subprotocol (1002)', async () => {
    const { t, url } = await server();
    const cl = await rawClient(url, []);
    expect((await cl.closed).code).toBe(1002);
    expect(t.connectionCount).toBe(0);
  });

  it('reports a frame that is not SIP as a parse error with its source, and keeps the connection', async () => {
    const { t, url } = await server();
    const cl = await rawClient(url);
    const err = nextEvent<{ error: Error; port: number }>((fn) =>
      t.on('parseError', (error, from) => fn({ error, port: from.port })),
    );
    cl.ws.send('hello there\r\n\r\n');
    const { error, port } = await err;
    expect(error.name).toBe('SipParseError');
    expect(port).toBeGreaterThan(0);
    expect(t.connectionCount).toBe(1);
  });

  it('closes a connection whose frame is larger than the parser limit (1009) and emits nothing', async () => {
    const t = new WebSocketServerTransport({ host: '127.0.0.1', port: 0, limits: { maxMessageBytes: 1000 } });
    cleanups.push(() => t.close());
    await t.connect();
    const cl = await rawClient(`ws://127.0.0.1:${t.local.port}`);
    let events = 0;
    t.on('message', () => events++);
    t.on('parseError', () => events++);
    cl.ws.send('x'.repeat(1001));
    expect((await cl.closed).code).toBe(1009);
    await until(() => t.connectionCount === 0);
    expect(events).toBe(0);
  });

  it('refuses to send where no client is connected, and forgets a client that closed', async () => {
    const { t, url } = await server();
    const req = optionsRequest({ transport: 'WS', host: 'a.invalid', port: 0 });
    await expect(t.send(req, { host: '127.0.0.1', port: 9 })).rejects.toMatchObject({
      name: 'TransportError',
      code: 'NO_CONNECTION',
    });
    await expect(t.send(req)).rejects.toMatchObject({ code: 'NO_TARGET' });
    const cl = await rawClient(url);
    await until(() => t.connectionCount === 1);
    cl.ws.close();
    await until(() => t.connectionCount === 0);
  });

  it('close() drops the clients, frees the port and is final', async () => {
    const { t, url } = await server();
    const cl = await rawClient(url);
    await t.close();
    expect(t.state).toBe('closed');
    await cl.closed;
    await expect(t.connect()).rejects.toBeInstanceOf(TransportError);
    const again = new WebSocketServerTransport({ host: '127.0.0.1', port: t.local.port });
    cleanups.push(() => again.close());
    await again.connect();
    expect(again.local.port).toBe(t.local.port);
  });

  it('close() while binding rejects connect() with CLOSED and leaves no listener', async () => {
    const t = new WebSocketServerTransport({ host: '127.0.0.1', port: 0 });
    const opening = t.connect();
    await t.close();
    await expect(opening).rejects.toMatchObject({ code: 'CLOSED' });
    expect(t.state).toBe('closed');
    expect(t.local.port).toBe(0);
  });

  it('fails connect() with CONNECT_FAILED when the port is taken', async () => {
    const { t } = await server();
    const second = new WebSocketServerTransport({ host: '127.0.0.1', port: t.local.port });
    cleanups.push(() => second.close());
    await expect(second.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    expect(second.state).toBe('disconnected');
  });
});
