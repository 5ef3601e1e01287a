import {
  createServer as createTcpServer,
  isIP,
  type Server,
  type Socket,
  connect as tcpConnect,
} from 'node:net';
import {
  type ConnectionOptions,
  createServer as createTlsServer,
  type SecureContextOptions,
  connect as tlsConnect,
} from 'node:tls';
import { type SipMessage, serialize } from '@sipkit/parser';
import { BaseTransport, endpointKey, type TransportOptions } from '../base-transport.js';
import { TransportError } from '../errors.js';
import type { KeepAliveOptions } from '../keep-alive.js';
import type { Endpoint } from '../transport.js';
import { StreamConnection, type StreamConnectionHooks } from './stream-connection.js';
import { unbracket } from './udp-transport.js';

/** TLS settings: certificates for listening, trust settings for connecting. */
export interface TlsSettings extends SecureContextOptions {
  /** Verify the server certificate when connecting. Default true. */
  rejectUnauthorized?: boolean;
  /** SNI and certificate name to check; default the target host when it is a name. */
  servername?: string;
}

/** Options of {@link TcpTransport} and {@link TlsTransport}. */
export interface StreamTransportOptions extends TransportOptions {
  /** Local address to listen on (and to report as `local`). Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** Accept connections on host:port. Default false: outgoing connections only. */
  listen?: boolean;
  /**
   * The main peer (an outbound proxy or registrar). `connect()` opens this connection,
   * `send()` without a target uses it, and its loss is a flow failure and moves the state to
   * `disconnected`.
   */
  remote?: Endpoint;
  /** Close connections without traffic for this long (ms), except the main one. 0 never. Default 60000. */
  idleTimeoutMs?: number;
  /** Give up opening a connection after this long (ms). Default 10000. */
  connectTimeoutMs?: number;
  /** RFC 5626 CRLF keep-alives on outgoing connections: `true` for the defaults, or options. Default off. */
  keepAlive?: boolean | KeepAliveOptions;
}

/**
 * SIP over a byte stream (TCP, or TLS when `tls` settings are given): frames messages by
 * Content-Length, reuses one connection per target (whichever side opened it), closes idle
 * ones, accepts connections when listening, and answers keep-alive pings. Use
 * {@link TcpTransport} or {@link TlsTransport}.
 */
export class StreamTransport extends BaseTransport {
  readonly protocol: 'TCP' | 'TLS';
  readonly reliable = true;
  readonly secure: boolean;
  /** Each connection lost is reported as `connectionClosed`. */
  readonly connectionEvents = true;
  private readonly host: string;
  private readonly port: number;
  private readonly listen: boolean;
  private readonly remote: Endpoint | undefined;
  private readonly idleTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly keepAlive: KeepAliveOptions | undefined;
  private readonly tls: TlsSettings | undefined;
  private readonly connections = new Map<string, StreamConnection>();
  /** The connections this end opened: the flows it keeps alive. */
  private readonly outgoing = new Set<StreamConnection>();
  /** Seconds of {@link keepFlowAlive}, for connections opened later. */
  private flowAlive: number | undefined;
  private readonly pending = new Map<string, Promise<StreamConnection>>();
  private readonly hooks: StreamConnectionHooks;
  private server: Server | undefined;
  private listening: Endpoint | undefined;
  private main: StreamConnection | undefined;
  private flowTimer: number | undefined;

  constructor(options: StreamTransportOptions, tls?: TlsSettings) {
    super(options);
    this.tls = tls;
    this.secure = tls !== undefined;
    this.protocol = this.secure ? 'TLS' : 'TCP';
    this.host = unbracket(options.host ?? '127.0.0.1');
    this.port = options.port ?? 0;
    this.listen = options.listen ?? false;
    this.remote = options.remote;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.keepAlive = options.keepAlive ? (options.keepAlive === true ? {} : options.keepAlive) : undefined;
    this.hooks = {
      message: (msg, conn) => this.emitShared('message', msg, conn.remote),
      parseError: (err, conn) => this.emitShared('parseError', err, conn.remote),
      flowFailed: (reason, conn) => this.emitShared('flowFailed', `${reason} (${endpointKey(conn.remote)})`),
      closed: (conn, error) => this.forget(conn, error),
      trace: (direction, bytes, peer) => this.trace(direction, bytes, peer),
    };
  }

  /** The listening address; else the main connection's local address; else `{ host, port: 0 }`. */
  get local(): Endpoint {
    return this.listening ?? this.main?.local ?? { host: this.host, port: this.port };
  }

  /** Number of open connections (for tests and diagnostics). */
  get connectionCount(): number {
    return new Set(this.connections.values()).size;
  }

  /** Whether a connection to `peer` (either side opened it) is open now. */
  hasConnection(peer: Endpoint): boolean {
    return this.connections.get(endpointKey({ host: unbracket(peer.host), port: peer.port }))?.open === true;
  }

  async send(data: SipMessage | Uint8Array, target?: Endpoint): Promise<void> {
    if (this.state !== 'connected') {
      throw new TransportError('NOT_CONNECTED', `${this.protocol} transport is ${this.state}`);
    }
    const to = target ?? this.remote;
    if (!to) throw new TransportError('NO_TARGET', `${this.protocol} send needs a target`);
    const bytes = data instanceof Uint8Array ? data : serialize(data);
    const conn = await this.connectionTo(to);
    await conn.write(bytes);
  }

  /**
   * Uses the registrar's `Flow-Timer` (seconds) as the keep-alive interval of the open outgoing
   * connections and of those opened later. No effect when keep-alives are off; with them on,
   * throws `RangeError` unless `seconds` > 0.
   */
  setFlowTimer(seconds: number): void {
    this.flowTimer = seconds;
    for (const conn of this.connections.values()) conn.setFlowTimer(seconds);
  }

  /**
   * Starts RFC 5626 keep-alives every `seconds` (nominal) on the open outgoing connections that
   * have none, and on those opened later; no change where they run.
   */
  keepFlowAlive(seconds: number): void {
    this.flowAlive = seconds;
    for (const conn of this.outgoing) conn.keepFlowAlive(seconds);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    const pending = [...this.pending.values()];
    for (const conn of [...this.connections.values()]) conn.close();
    await Promise.allSettled(pending.map((p) => p.then((c) => c.close())));
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens when asked to, then opens the main connection when there is a `remote`. */
  protected async open(): Promise<void> {
    this.setState('connecting');
    try {
      if (this.listen && !this.server) await this.startServer();
      if (this.remote) {
        this.main = await this.connectionTo(this.remote);
        this.main.pinned = true;
      }
    } catch (err) {
      const error =
        err instanceof TransportError
          ? err
          : new TransportError('CONNECT_FAILED', (err as Error).message, { cause: err });
      const server = this.server;
      this.server = undefined;
      server?.close();
      this.setState('disconnected', error);
      throw error;
    }
    this.setState('connected');
  }

  private startServer(): Promise<void> {
    const onSocket = (socket: Socket): void => {
      if (this.state === 'closed') {
        socket.destroy();
        return;
      }
      this.adopt(socket, false);
    };
    const server = this.tls
      ? createTlsServer(this.tls, onSocket).on('tlsClientError', (err) =>
          this.logger.warn(`TLS handshake failed: ${err.message}`),
        )
      : createTcpServer(onSocket);
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        reject(
          new TransportError('CONNECT_FAILED', `cannot listen on ${this.host}:${this.port}: ${err.message}`, {
            cause: err,
          }),
        );
      });
      server.listen(this.port, this.host, () => {
        server.on('error', (err) => this.logger.warn(`${this.protocol} server error: ${err.message}`));
        const addr = server.address();
        if (addr && typeof addr === 'object') this.listening = { host: addr.address, port: addr.port };
        this.server = server;
        resolve();
      });
    });
  }

  /** The open connection to `to`, or a new one; concurrent sends share one attempt. */
  private connectionTo(to: Endpoint): Promise<StreamConnection> {
    const key = endpointKey({ host: unbracket(to.host), port: to.port });
    const open = this.connections.get(key);
    if (open?.open) return Promise.resolve(open);
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.dial(to).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private dial(to: Endpoint): Promise<StreamConnection> {
    const host = unbracket(to.host);
    return new Promise((resolve, reject) => {
      let socket: Socket;
      const onReady = (): void => {
        this.clock.clearTimeout(timer);
        socket.off('error', onError);
        if (this.state === 'closed') {
          socket.destroy();
          reject(new TransportError('CLOSED', 'transport closed'));
          return;
        }
        resolve(this.adopt(socket, true, { host, port: to.port }));
      };
      const onError = (err: Error): void => {
        this.clock.clearTimeout(timer);
        socket.destroy();
        reject(
          new TransportError('CONNECT_FAILED', `cannot connect to ${endpointKey(to)}: ${err.message}`, {
            cause: err,
          }),
        );
      };
      if (this.tls) {
        const opts: ConnectionOptions = { ...this.tls, host, port: to.port };
        if (!isIP(host) && !opts.servername) opts.servername = host;
        socket = tlsConnect(opts, onReady);
      } else {
        socket = tcpConnect({ host, port: to.port }, onReady);
      }
      socket.once('error', onError);
      const timer = this.clock.setTimeout(() => {
        socket.off('error', onError);
        socket.destroy();
        reject(
          new TransportError(
            'CONNECT_TIMEOUT',
            `${endpointKey(to)} did not answer in ${this.connectTimeoutMs} ms`,
          ),
        );
      }, this.connectTimeoutMs);
    });
  }

  /** Wraps a connected socket; it is found again by its peer address (and the name it was dialled by). */
  private adopt(socket: Socket, outgoing: boolean, dialled?: Endpoint): StreamConnection {
    const conn = new StreamConnection(socket, this.hooks, {
      clock: this.clock,
      random: this.random,
      limits: this.limits,
      idleTimeoutMs: this.idleTimeoutMs,
      keepAlive: outgoing ? this.keepAlive : undefined,
    });
    if (outgoing) {
      this.outgoing.add(conn);
      // Keep-alives first, then the latest Flow-Timer: it may have come after they started.
      if (this.flowAlive !== undefined) conn.keepFlowAlive(this.flowAlive);
      if (this.flowTimer !== undefined) conn.setFlowTimer(this.flowTimer);
    }
    const key = endpointKey(conn.remote);
    this.connections.set(key, conn);
    const dialledKey = dialled && endpointKey(dialled);
    if (dialledKey && dialledKey !== key) {
      conn.dialled = dialled;
      this.connections.set(dialledKey, conn);
    }
    return conn;
  }

  private forget(conn: StreamConnection, error?: Error): void {
    for (const [k, c] of this.connections) if (c === conn) this.connections.delete(k);
    this.outgoing.delete(conn);
    const main = conn === this.main;
    // Before the state change: a transaction layer ends the transactions sent over it alone.
    this.emitShared(
      'connectionClosed',
      conn.dialled ? [conn.remote, conn.dialled] : [conn.remote],
      main,
      error,
    );
    if (!main) return;
    this.main = undefined;
    if (this.state !== 'connected') return;
    const key = endpointKey(conn.remote);
    // A keep-alive failure was already reported as a flow failure by the connection.
    if (!(error instanceof TransportError && error.code === 'FLOW_FAILED')) {
      this.emitShared('flowFailed', error?.message ?? `connection to ${key} closed`);
    }
    this.setState('disconnected', error ?? new TransportError('CLOSED', `connection to ${key} closed`));
  }
}

/** SIP over TCP (Node). */
export class TcpTransport extends StreamTransport {
  constructor(options: StreamTransportOptions = {}) {
    super(options);
  }
}

/** SIP over TLS (Node). Listening needs `tls.key` and `tls.cert`. */
export class TlsTransport extends StreamTransport {
  constructor(options: StreamTransportOptions & { tls?: TlsSettings } = {}) {
    super(options, options.tls ?? {});
  }
}
