import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { DEFAULT_LIMITS, type SipMessage, serialize } from '@sipkit/parser';
import WebSocket, { WebSocketServer } from 'ws';
import { BaseTransport, endpointKey, type TransportOptions } from '../base-transport.js';
import { TransportError } from '../errors.js';
import type { Endpoint } from '../transport.js';
import { unbracket } from './udp-transport.js';

/** Options of {@link WebSocketServerTransport}. */
export interface WebSocketServerTransportOptions extends TransportOptions {
  /** Address to listen on (and to report as `local`). Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
}

const PING = '\r\n\r\n';
const PONG = '\r\n';

/**
 * The server side of SIP over WebSocket (RFC 7118), for Node: accepts connections that offer the
 * `sip` subprotocol (others are closed with 1002), reads one SIP message per frame (text or
 * binary) up to the parser's `maxMessageBytes` (a larger frame closes the connection with
 * 1009), answers RFC 5626 double-CRLF pings, and sends to a client over the connection it
 * opened, which is the only way to reach it (`send` to any other target fails with
 * `NO_CONNECTION`). Messages are sent as text frames, or binary when they are not UTF-8.
 */
export class WebSocketServerTransport extends BaseTransport {
  readonly protocol = 'WS' as const;
  readonly reliable = true;
  readonly secure = false;
  private readonly host: string;
  private readonly port: number;
  private readonly clients = new Map<string, WebSocket>();
  private server: WebSocketServer | undefined;
  private listening: Endpoint | undefined;

  constructor(options: WebSocketServerTransportOptions = {}) {
    super(options);
    this.host = unbracket(options.host ?? '127.0.0.1');
    this.port = options.port ?? 0;
  }

  /** The listening address, or `{ host, port }` as configured before `connect()`. */
  get local(): Endpoint {
    return this.listening ?? { host: this.host, port: this.port };
  }

  /** Number of open client connections (for tests and diagnostics). */
  get connectionCount(): number {
    return this.clients.size;
  }

  async send(data: SipMessage | Uint8Array, target?: Endpoint): Promise<void> {
    if (this.state !== 'connected') {
      throw new TransportError('NOT_CONNECTED', `WS server transport is ${this.state}`);
    }
    if (!target) throw new TransportError('NO_TARGET', 'WS server send needs a target');
    const ws = this.clients.get(endpointKey({ host: unbracket(target.host), port: target.port }));
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      throw new TransportError('NO_CONNECTION', `no WebSocket connection from ${endpointKey(target)}`);
    }
    const bytes = data instanceof Uint8Array ? data : serialize(data);
    await new Promise<void>((resolve, reject) => {
      ws.send(bytes, { binary: !isUtf8(bytes) }, (err) =>
        err
          ? reject(new TransportError('SEND_FAILED', `cannot send to ${endpointKey(target)}`, { cause: err }))
          : resolve(),
      );
    });
    this.trace('out', bytes, target);
  }

  /** Closes every client connection and the listener. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    for (const ws of this.clients.values()) ws.terminate();
    this.clients.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Starts listening; resolves once the port is bound. */
  protected open(): Promise<void> {
    this.setState('connecting');
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({
        host: this.host,
        port: this.port,
        // A frame larger than any message the parser would take closes the connection (1009)
        // before it is buffered whole (the ws default allows 100 MiB).
        maxPayload: this.limits?.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes,
        // RFC 7118 section 4: the server answers with `sip` when the client offered it.
        handleProtocols: (offered) => (offered.has('sip') ? 'sip' : false),
      });
      server.once('error', (err) => {
        server.close();
        const error = new TransportError(
          'CONNECT_FAILED',
          `cannot listen on ${this.host}:${this.port}: ${err.message}`,
          { cause: err },
        );
        this.setState('disconnected', error);
        reject(error);
      });
      server.once('listening', () => {
        if (this.state === 'closed') {
          // close() came while the port was being bound.
          server.close();
          reject(new TransportError('CLOSED', 'transport closed'));
          return;
        }
        server.on('error', (err) => this.logger.warn(`WS server error: ${err.message}`));
        const addr = server.address();
        if (addr && typeof addr === 'object') this.listening = { host: addr.address, port: addr.port };
        this.server = server;
        server.on('connection', (ws, request) => this.accept(ws, request));
        this.setState('connected');
        resolve();
      });
    });
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    if (this.state !== 'connected') {
      ws.terminate();
      return;
    }
    if (ws.protocol !== 'sip') {
      ws.close(1002, 'the sip subprotocol is required');
      return;
    }
    const remote: Endpoint = {
      host: request.socket.remoteAddress ?? '',
      port: request.socket.remotePort ?? 0,
    };
    const key = endpointKey(remote);
    this.clients.set(key, ws);
    ws.on('message', (data, isBinary) => this.receive(ws, data as Buffer, isBinary, remote));
    ws.on('error', (err) => this.logger.debug(`WS connection ${key}: ${err.message}`));
    ws.on('close', () => {
      if (this.clients.get(key) === ws) this.clients.delete(key);
    });
  }

  private receive(ws: WebSocket, data: Buffer, isBinary: boolean, remote: Endpoint): void {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.trace('in', bytes, remote);
    if (!isBinary && data.length <= PING.length) {
      const text = data.toString('latin1');
      if (text === PING) {
        ws.send(PONG);
        return;
      }
      if (text === PONG) return;
    }
    this.deliver(bytes, remote);
  }
}
