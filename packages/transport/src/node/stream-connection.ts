import type { Socket } from 'node:net';
import { type ParseLimits, parseMessage, type SipMessage, StreamFramer } from '@sipkit/parser';
import type { Clock, RandomSource, TimerHandle } from '../clock.js';
import { TransportError } from '../errors.js';
import { KeepAlive, type KeepAliveOptions } from '../keep-alive.js';
import type { TraceDirection } from '../logger.js';
import type { Endpoint } from '../transport.js';

const PING = new Uint8Array([13, 10, 13, 10]);
const PONG = new Uint8Array([13, 10]);

/** What a {@link StreamConnection} reports to the transport that owns it. */
export interface StreamConnectionHooks {
  message(msg: SipMessage, conn: StreamConnection): void;
  parseError(error: Error, conn: StreamConnection): void;
  /** The connection is gone (closed by either side, idle, or failed); called once. */
  closed(conn: StreamConnection, error?: Error): void;
  /** The keep-alive got no pong; the connection closes right after. */
  flowFailed(reason: string, conn: StreamConnection): void;
  trace(direction: TraceDirection, bytes: Uint8Array, peer: Endpoint): void;
}

/** Settings of one {@link StreamConnection}. */
export interface StreamConnectionOptions {
  /** Clock for the idle timer and the keep-alive. */
  clock: Clock;
  /** Random source for the keep-alive interval jitter. */
  random: RandomSource;
  /** Parser limits for incoming messages; the parser's defaults when omitted. */
  limits?: Partial<ParseLimits>;
  /** Close after this long without traffic (ms); 0 never. */
  idleTimeoutMs: number;
  /** RFC 5626 keep-alives on this connection, or none. */
  keepAlive?: KeepAliveOptions;
}

/**
 * One open TCP or TLS connection: frames the byte stream into messages with the parser's
 * {@link StreamFramer}, answers CRLF CRLF pings with a CRLF pong, optionally pings the peer,
 * and closes itself when idle. A framing error is final: the stream cannot be resynchronised.
 */
export class StreamConnection {
  /** The peer's address as the socket reports it (an IP address, not a name). */
  readonly remote: Endpoint;
  /** This side's address and port of the connection. */
  readonly local: Endpoint;
  private readonly framer: StreamFramer;
  private keepAlive: KeepAlive | undefined;
  private lastActivity: number;
  private idleTimer: TimerHandle | undefined;
  private ended = false;
  /** When set, the idle timer leaves this connection open (a transport's main flow). */
  pinned = false;
  /** The address this end dialled it by when that is not {@link remote} (a host name, say). */
  dialled: Endpoint | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly hooks: StreamConnectionHooks,
    private readonly options: StreamConnectionOptions,
  ) {
    this.remote = { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    this.local = { host: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    // A lone CRLF is a pong only where this end pings; elsewhere it may be half of a peer's ping.
    this.framer = new StreamFramer(options.limits, { pinging: options.keepAlive !== undefined });
    this.lastActivity = options.clock.now();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.end(new TransportError('CLOSED', `connection error: ${err.message}`)));
    socket.on('close', () => this.end());
    if (options.keepAlive) this.startKeepAlive(options.keepAlive);
    this.armIdle(options.idleTimeoutMs);
  }

  private startKeepAlive(options: KeepAliveOptions): void {
    this.keepAlive = new KeepAlive(
      {
        sendPing: () => {
          this.write(PING).catch(() => {});
        },
        onFailure: (reason) => {
          this.hooks.flowFailed(reason, this);
          this.close(new TransportError('FLOW_FAILED', reason));
        },
      },
      { clock: this.options.clock, random: this.options.random, ...options },
    );
    this.keepAlive.start();
  }

  /** True until the connection is closed. */
  get open(): boolean {
    return !this.ended;
  }

  /** Writes bytes; resolves once handed to the kernel. */
  write(bytes: Uint8Array): Promise<void> {
    if (this.ended) return Promise.reject(new TransportError('NOT_CONNECTED', 'connection closed'));
    this.lastActivity = this.options.clock.now();
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (err) => {
        if (err) reject(new TransportError('SEND_FAILED', `cannot write: ${err.message}`, { cause: err }));
        else {
          this.hooks.trace('out', bytes, this.remote);
          resolve();
        }
      });
    });
  }

  /** Applies a registrar's Flow-Timer (seconds) to this connection's keep-alive. */
  setFlowTimer(seconds: number): void {
    this.keepAlive?.setFlowTimer(seconds);
  }

  /** Starts keep-alives every `seconds` (nominal) when this connection has none. */
  keepFlowAlive(seconds: number): void {
    if (this.keepAlive || this.ended) return;
    // From now on a lone CRLF from the peer is the pong to our ping.
    this.framer.startPinging();
    this.startKeepAlive({ intervalMs: seconds * 1000 });
  }

  /** Closes the connection; `closed` is reported once. */
  close(error?: Error): void {
    if (this.ended) return;
    this.socket.destroy();
    this.end(error);
  }

  private receive(chunk: Buffer): void {
    if (this.ended) return;
    this.lastActivity = this.options.clock.now();
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let items: ReturnType<StreamFramer['push']>;
    try {
      items = this.framer.push(bytes);
    } catch (err) {
      this.hooks.parseError(err as Error, this);
      this.close(new TransportError('CLOSED', `framing error: ${(err as Error).message}`));
      return;
    }
    // Traced per framed message, not per chunk: a chunk may cut a header line (an Authorization
    // split in two would slip past the trace's redaction).
    for (const item of items) {
      if (item.kind === 'ping') {
        this.hooks.trace('in', PING, this.remote);
        this.write(PONG).catch(() => {});
      } else if (item.kind === 'pong') {
        this.hooks.trace('in', PONG, this.remote);
        this.keepAlive?.pongReceived();
      } else {
        this.hooks.trace('in', item.bytes, this.remote);
        this.deliver(item.bytes);
      }
      if (this.ended) return;
    }
  }

  private deliver(bytes: Uint8Array): void {
    let msg: SipMessage;
    try {
      msg = parseMessage(bytes, { framing: 'stream', limits: this.options.limits });
    } catch (err) {
      // The frame was cut by Content-Length, so the stream is still in step: drop only this message.
      this.hooks.parseError(err as Error, this);
      return;
    }
    this.hooks.message(msg, this);
  }

  private armIdle(ms: number): void {
    if (this.options.idleTimeoutMs <= 0 || this.ended) return;
    this.idleTimer = this.options.clock.setTimeout(() => {
      this.idleTimer = undefined;
      const quiet = this.options.clock.now() - this.lastActivity;
      if (this.pinned || this.keepAlive?.active) this.armIdle(this.options.idleTimeoutMs);
      else if (quiet >= this.options.idleTimeoutMs) this.close();
      else this.armIdle(this.options.idleTimeoutMs - quiet);
    }, ms);
  }

  private end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.keepAlive?.stop();
    if (this.idleTimer !== undefined) this.options.clock.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (!this.socket.destroyed) this.socket.destroy();
    this.hooks.closed(this, error);
  }
}
