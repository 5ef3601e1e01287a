import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { type SipMessage, serialize } from '@sipkit/parser';
import { BaseTransport, type TransportOptions } from '../base-transport.js';
import { TransportError } from '../errors.js';
import type { Endpoint } from '../transport.js';

/** Options of {@link UdpTransport}. */
export interface UdpTransportOptions extends TransportOptions {
  /** Address to bind. Default `127.0.0.1`; an IPv6 address (`::1`) makes an IPv6 socket. */
  host?: string;
  /** Port to bind; 0 (default) picks a free one. */
  port?: number;
  /**
   * Socket receive buffer (SO_RCVBUF) in bytes. With many transactions in flight (a load
   * generator), responses that arrive while the event loop is busy wait here, and the kernel
   * drops those that do not fit. Default: the system's (Linux `net.core.rmem_default`); Linux
   * caps it at `net.core.rmem_max` and reports twice the value set.
   */
  recvBufferSize?: number;
  /** Socket send buffer (SO_SNDBUF) in bytes; default the system's, capped as above (`wmem_max`). */
  sendBufferSize?: number;
}

/**
 * SIP over UDP (Node): one message per datagram, one socket for every peer. Unreliable, so the
 * transaction layer retransmits. Datagrams that do not parse are reported and dropped; a lone
 * CRLF keep-alive is ignored.
 */
export class UdpTransport extends BaseTransport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  readonly secure = false;
  private readonly bindHost: string;
  private readonly bindPort: number;
  private readonly recvBuffer: number | undefined;
  private readonly sendBuffer: number | undefined;
  private socket: Socket | undefined;
  /** The socket while it binds, so close() can close it too. */
  private binding: Socket | undefined;
  private bound: Endpoint | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: UdpTransportOptions = {}) {
    super(options);
    this.bindHost = options.host ?? '127.0.0.1';
    this.bindPort = options.port ?? 0;
    this.recvBuffer = bufferSize(options.recvBufferSize, 'recvBufferSize');
    this.sendBuffer = bufferSize(options.sendBufferSize, 'sendBufferSize');
  }

  /** The receive buffer the system granted, in bytes, once bound (Linux reports twice the value set). */
  get recvBufferSize(): number | undefined {
    return this.socket?.getRecvBufferSize();
  }

  /** The bound address; `{ host, port: 0 }` before `connect()`. */
  get local(): Endpoint {
    return this.bound ?? { host: this.bindHost, port: this.bindPort };
  }

  send(data: SipMessage | Uint8Array, target?: Endpoint): Promise<void> {
    const socket = this.socket;
    if (this.state !== 'connected' || !socket) {
      return Promise.reject(new TransportError('NOT_CONNECTED', `UDP transport is ${this.state}`));
    }
    if (!target) return Promise.reject(new TransportError('NO_TARGET', 'UDP needs a target'));
    const bytes = data instanceof Uint8Array ? data : serialize(data);
    return new Promise((resolve, reject) => {
      socket.send(bytes, target.port, unbracket(target.host), (err) => {
        if (err) {
          reject(
            new TransportError('SEND_FAILED', `cannot send to ${target.host}:${target.port}`, { cause: err }),
          );
          return;
        }
        this.trace('out', bytes, target);
        resolve();
      });
    });
  }

  /** Closes the socket (also one still binding); resolves once it has emitted `close`. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.state === 'closed') return Promise.resolve();
    const socket = this.socket ?? this.binding;
    this.socket = undefined;
    this.binding = undefined;
    this.setState('closed');
    this.closing = socket ? new Promise<void>((resolve) => socket.close(() => resolve())) : Promise.resolve();
    return this.closing;
  }

  /** Binds the socket. */
  protected open(): Promise<void> {
    this.setState('connecting');
    const host = unbracket(this.bindHost);
    const socket = createSocket({
      type: isIPv6(host) ? 'udp6' : 'udp4',
      recvBufferSize: this.recvBuffer,
      sendBufferSize: this.sendBuffer,
    });
    this.binding = socket;
    return new Promise<void>((resolve, reject) => {
      // close() while binding: Node then never calls the bind callback.
      const onClose = (): void => reject(new TransportError('CLOSED', 'transport closed while binding'));
      socket.once('close', onClose);
      const onError = (err: Error): void => {
        socket.off('close', onClose);
        this.binding = undefined;
        socket.close();
        const error = new TransportError('CONNECT_FAILED', `cannot bind UDP ${host}:${this.bindPort}`, {
          cause: err,
        });
        this.setState('disconnected', error);
        reject(error);
      };
      socket.once('error', onError);
      socket.bind(this.bindPort, host, () => {
        socket.off('error', onError);
        socket.off('close', onClose);
        this.binding = undefined;
        this.listen(socket);
        const addr = socket.address();
        // The configured host string when it is the bound address: one string fewer per socket.
        this.bound = { host: addr.address === host ? host : addr.address, port: addr.port };
        this.socket = socket;
        this.setState('connected');
        resolve();
      });
    });
  }

  /**
   * The listeners of a bound socket, made here rather than in the bind callback: a closure made
   * there would keep the bind's promise and callbacks alive for as long as the socket lives.
   */
  private listen(socket: Socket): void {
    socket.on('error', (err) => this.logger.warn(`UDP socket error: ${err.message}`));
    socket.on('message', (buf, rinfo) => this.receive(buf, { host: rinfo.address, port: rinfo.port }));
  }

  private receive(buf: Buffer, source: Endpoint): void {
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    this.trace('in', bytes, source);
    // Keep-alives of CRLFs (RFC 5626 section 3.5.1 style, sent by some UAs over UDP): nothing to parse.
    if (bytes.every((b) => b === 13 || b === 10)) return;
    this.deliver(bytes, source);
  }
}

/** A buffer size option: undefined, or a positive whole number of bytes (else RangeError). */
function bufferSize(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0 || value > 2 ** 31 - 1)
    throw new RangeError(`${name} must be a positive whole number of bytes, not ${value}`);
  return value;
}

/** `[::1]` → `::1`: sockets take bare addresses. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
