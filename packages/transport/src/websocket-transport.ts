import { type SipMessage, serialize } from '@sipkit/parser';
import { BaseTransport, type TransportOptions } from './base-transport.js';
import type { TimerHandle } from './clock.js';
import { CLOSED, OPEN } from './constants.js';
import { TransportError } from './errors.js';
import { KeepAlive, type KeepAliveOptions } from './keep-alive.js';
import { redactUrls } from './logger.js';
import { randomToken } from './random.js';
import type { Endpoint } from './transport.js';

/** The part of the WHATWG `WebSocket` (browsers) and of the `ws` package (Node) that sipkit uses. */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed; sipkit sends only while it is 1. */
  readonly readyState: number;
  /** The subprotocol the server selected. */
  readonly protocol: string;
  /** sipkit sets `'arraybuffer'` so binary frames arrive as an `ArrayBuffer`. */
  binaryType: string;
  /** Called once the opening handshake completes. */
  onopen: ((event: unknown) => void) | null;
  /** Called once when the connection closes, with the close code and reason. */
  onclose: ((event: { code: number; reason: string }) => void) | null;
  /** Called on a connection error (browsers give no detail); `onclose` follows. */
  onerror: ((event: unknown) => void) | null;
  /** Called per frame: `data` is a string (text frame) or an `ArrayBuffer` or typed array (binary). */
  onmessage: ((event: { data: unknown }) => void) | null;
  /** Sends a string as a text frame, bytes as a binary frame. */
  send(data: string | ArrayBufferView): void;
  /** Starts the closing handshake; sipkit passes 1000 (normal closure) when it hangs up a working connection. */
  close(code?: number, reason?: string): void;
}

/** A `WebSocket` constructor: `globalThis.WebSocket` in browsers, `ws` in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Options of {@link WebSocketTransport}. */
export interface WebSocketTransportOptions extends TransportOptions {
  /** `ws://` or `wss://` URL of the SIP server. */
  url: string;
  /**
   * The WebSocket implementation. Default `globalThis.WebSocket` (browsers). In Node use
   * `createNodeWebSocketTransport` from `@sipkit/transport/node`, which passes `ws`.
   */
  WebSocket?: WebSocketConstructor;
  /** Give up opening after this long (ms). Default 10000. */
  connectTimeoutMs?: number;
  /**
   * How long `close()` waits for the socket's close event (the closing handshake) before it
   * resolves anyway (ms). Default 5000.
   */
  closeTimeoutMs?: number;
  /** RFC 5626 CRLF keep-alives: `true` for the defaults, or options. Default off. */
  keepAlive?: boolean | KeepAliveOptions;
  /**
   * Host for Via sent-by and Contact. A browser cannot accept connections, so by default this is
   * an invented `<random>.invalid` name (RFC 7118 section 5).
   */
  viaHost?: string;
}

const PING = '\r\n\r\n';
const PONG = '\r\n';
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * SIP over WebSocket (RFC 7118): subprotocol `sip`, one message per frame. Sends text frames
 * (binary only for a message that is not UTF-8), accepts text and binary frames. Answers the
 * server's CRLF CRLF ping with a CRLF pong and, when enabled, pings the server itself.
 * Browser-safe: imports no `node:` module.
 */
export class WebSocketTransport extends BaseTransport {
  readonly protocol: 'WS' | 'WSS';
  readonly reliable = true;
  readonly secure: boolean;
  readonly local: Endpoint;
  /** The server, as messages report their source. */
  readonly server: Endpoint;

  readonly #url: string;
  readonly #Ctor: WebSocketConstructor | undefined;
  readonly #connectTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  #keepAlive: KeepAlive | undefined;
  #socket: WebSocketLike | undefined;
  /** Rejects a pending `connect()` when `close()` comes first. */
  #abortOpening: ((error: TransportError) => void) | undefined;
  #closing: Promise<void> | undefined;
  #flowFailureReported = false;

  constructor(options: WebSocketTransportOptions) {
    super(options);
    this.#url = options.url;
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      // No cause: Node's URL error holds the input, password and all.
      throw new TransportError('BAD_ADDRESS', `not a URL: ${this.#shown}`);
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new TransportError('BAD_ADDRESS', `not a ws: or wss: URL: ${this.#shown}`);
    }
    this.secure = parsed.protocol === 'wss:';
    this.protocol = this.secure ? 'WSS' : 'WS';
    const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
    this.server = { host, port: parsed.port ? Number(parsed.port) : this.secure ? 443 : 80 };
    // Joined, not concatenated: one flat string rather than a pair of pieces, kept for life.
    this.local = { host: options.viaHost ?? [randomToken(this.random, 12), 'invalid'].join('.'), port: 0 };
    this.#Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
    if (options.keepAlive)
      this.#keepAlive = this.#makeKeepAlive(options.keepAlive === true ? {} : options.keepAlive);
  }

  #makeKeepAlive(options: KeepAliveOptions): KeepAlive {
    return new KeepAlive(
      {
        sendPing: () => {
          // A ping that cannot be written is a pong that will not come: the timeout reports it.
          try {
            this.#sendRaw(PING);
          } catch {}
        },
        onFailure: (reason) => this.#flowFailed(reason),
      },
      { clock: this.clock, random: this.random, ...options },
    );
  }

  /** The URL for messages and logs: without a password it may carry (made only when needed). */
  get #shown(): string {
    return redactUrls(this.#url);
  }

  /** Opens the WebSocket and waits for the `sip` subprotocol handshake. */
  protected open(): Promise<void> {
    if (!this.#Ctor) {
      return Promise.reject(
        new TransportError('CONNECT_FAILED', 'no WebSocket implementation: pass options.WebSocket'),
      );
    }
    return this.#handshake(this.#Ctor).finally(() => {
      this.#abortOpening = undefined;
    });
  }

  async send(data: SipMessage | Uint8Array): Promise<void> {
    const bytes = data instanceof Uint8Array ? data : serialize(data);
    if (this.state !== 'connected' || !this.#socket) {
      throw new TransportError('NOT_CONNECTED', `${this.protocol} transport is ${this.state}`);
    }
    let frame: string | Uint8Array;
    try {
      frame = utf8.decode(bytes);
    } catch {
      frame = bytes;
    }
    this.#sendRaw(frame);
  }

  /**
   * Uses the registrar's `Flow-Timer` (seconds) as the keep-alive interval. No effect when
   * keep-alives are off; with them on, throws `RangeError` unless `seconds` > 0.
   */
  setFlowTimer(seconds: number): void {
    this.#keepAlive?.setFlowTimer(seconds);
  }

  /**
   * Starts RFC 5626 keep-alives every `seconds` (nominal) when they are off; no change when on.
   * Throws `RangeError` unless `seconds` > 0.
   */
  keepFlowAlive(seconds: number): void {
    if (this.#keepAlive) return;
    this.#keepAlive = this.#makeKeepAlive({ intervalMs: seconds * 1000 });
    if (this.state === 'connected') this.#keepAlive.start();
  }

  /**
   * Closes the connection (code 1000); resolves once the socket has emitted its close event, or
   * after `closeTimeoutMs` when the peer does not finish the closing handshake.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (this.state === 'closed') return Promise.resolve();
    this.#keepAlive?.stop();
    const socket = this.#socket;
    this.#socket = undefined;
    this.#abortOpening?.(new TransportError('CLOSED', `${this.#shown} closed while connecting`));
    this.setState('closed');
    this.#closing = socket ? this.#closeSocket(socket) : Promise.resolve();
    return this.#closing;
  }

  #closeSocket(socket: WebSocketLike): Promise<void> {
    detach(socket);
    if (socket.readyState === CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.clock.clearTimeout(timer);
        socket.onclose = null;
        resolve();
      };
      const timer = this.clock.setTimeout(done, this.#closeTimeoutMs);
      socket.onclose = done;
      // Closing a socket that is still opening makes `ws` report an error: nothing to do about it.
      socket.onerror = () => {};
      try {
        socket.close(1000);
      } catch {
        // Already closing: the close event still comes.
      }
    });
  }

  #handshake(Ctor: WebSocketConstructor): Promise<void> {
    this.setState('connecting');
    this.#flowFailureReported = false;
    return new Promise<void>((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = new Ctor(this.#url, 'sip');
      } catch (err) {
        // The reason, not the error: `ws` puts the whole URL, password and all, in its message.
        const error = new TransportError(
          'CONNECT_FAILED',
          redactUrls(`cannot open ${this.#url}: ${(err as Error)?.message ?? err}`),
        );
        this.setState('disconnected', error);
        reject(error);
        return;
      }
      this.#socket = socket;
      socket.binaryType = 'arraybuffer';
      let settled = false;
      this.#abortOpening = (error) => {
        settled = true;
        this.clock.clearTimeout(timer);
        reject(error);
      };
      const timer: TimerHandle = this.clock.setTimeout(() => {
        fail(
          new TransportError(
            'CONNECT_TIMEOUT',
            `${this.#shown} did not open in ${this.#connectTimeoutMs} ms`,
          ),
        );
      }, this.#connectTimeoutMs);
      const fail = (error: TransportError): void => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(timer);
        detach(socket);
        try {
          socket.close();
        } catch {
          // The socket never opened; closing is best effort.
        }
        if (this.#socket === socket) this.#socket = undefined;
        this.setState('disconnected', error);
        reject(error);
      };
      socket.onopen = () => {
        if (settled) return;
        // RFC 7118 section 4: without the `sip` subprotocol the client must close.
        if (socket.protocol !== 'sip') {
          fail(new TransportError('PROTOCOL', `${this.#shown} did not accept the "sip" subprotocol`));
          return;
        }
        settled = true;
        this.clock.clearTimeout(timer);
        this.#listen(socket);
        this.setState('connected');
        this.#keepAlive?.start();
        resolve();
      };
      socket.onerror = () => {
        // Browsers give no detail on errors; the close event follows.
        if (!settled) fail(new TransportError('CONNECT_FAILED', `cannot connect to ${this.#shown}`));
      };
      socket.onclose = (event) => {
        if (!settled) {
          fail(new TransportError('CONNECT_FAILED', `${this.#shown} closed (${event.code}) while opening`));
          return;
        }
        this.#dropped(new TransportError('CLOSED', `${this.#shown} closed (${event.code} ${event.reason})`));
      };
      socket.onmessage = (event) => this.#receive(event.data);
    });
  }

  /**
   * The handlers of an open socket. Made here rather than in handshake(): a closure made there
   * would keep the handshake's promise, timer and callbacks alive for as long as the connection.
   */
  #listen(socket: WebSocketLike): void {
    socket.onopen = null;
    // Browsers give no detail on errors, and the close event follows; `ws` needs a listener.
    socket.onerror = ignore;
    socket.onclose = (event) =>
      this.#dropped(new TransportError('CLOSED', `${this.#shown} closed (${event.code} ${event.reason})`));
    socket.onmessage = (event) => this.#receive(event.data);
  }

  #receive(data: unknown): void {
    let bytes: Uint8Array;
    let text: string | undefined;
    if (typeof data === 'string') {
      text = data;
      bytes = encoder.encode(data);
    } else if (data instanceof ArrayBuffer) {
      bytes = new Uint8Array(data);
    } else if (ArrayBuffer.isView(data)) {
      bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } else {
      this.logger.warn(`${this.protocol}: ignoring a frame of unknown type`);
      return;
    }
    this.trace('in', text ?? bytes, this.server);
    if (isOnly(bytes, PING)) {
      this.#sendRaw(PONG);
      return;
    }
    if (isOnly(bytes, PONG)) {
      this.#keepAlive?.pongReceived();
      return;
    }
    this.deliver(bytes, this.server);
  }

  #sendRaw(frame: string | Uint8Array): void {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN) {
      throw new TransportError('NOT_CONNECTED', `${this.protocol} socket is not open`);
    }
    try {
      socket.send(frame);
    } catch (err) {
      throw new TransportError('SEND_FAILED', `cannot send to ${this.#shown}`, { cause: err });
    }
    this.trace('out', frame, this.server);
  }

  /**
   * A flow without pongs is dead: drop it so the owner reconnects. Keep-alives run only while
   * connected, so `#dropped` reports the flow failure with `reason`.
   */
  #flowFailed(reason: string): void {
    const socket = this.#socket;
    if (socket) {
      detach(socket);
      try {
        socket.close(1000);
      } catch {
        // Best effort.
      }
    }
    this.#dropped(new TransportError('FLOW_FAILED', reason));
  }

  #dropped(error: TransportError): void {
    this.#keepAlive?.stop();
    this.#socket = undefined;
    if (this.state !== 'connected') return;
    if (!this.#flowFailureReported) {
      this.#flowFailureReported = true;
      this.emitShared('flowFailed', error.message);
    }
    this.setState('disconnected', error);
  }
}

/** The error handler of an open socket: the close event that follows reports the loss. */
function ignore(): void {}

function detach(socket: WebSocketLike): void {
  socket.onopen = null;
  socket.onclose = null;
  socket.onerror = null;
  socket.onmessage = null;
}

function isOnly(bytes: Uint8Array, s: string): boolean {
  if (bytes.length !== s.length) return false;
  for (let i = 0; i < s.length; i++) if (bytes[i] !== s.charCodeAt(i)) return false;
  return true;
}
