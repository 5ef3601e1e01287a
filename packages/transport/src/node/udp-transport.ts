import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { type SipMessage, serialize } from '@sipkit/parser';
import { BaseTransport, endpointKey, type TransportOptions } from '../base-transport.js';
import { TransportError } from '../errors.js';
import {
  isStunMessage,
  parseStun,
  STUN_BINDING_REQUEST,
  STUN_BINDING_SUCCESS,
  StunError,
  stunBindingSuccess,
  stunUnknownAttributes,
} from '../stun.js';
import { StunKeepAlive } from '../stun-keep-alive.js';
import type { Endpoint } from '../transport.js';
import { routeSourceAddress, type SourceAddressLookup } from './source-address.js';

/** Options of {@link UdpTransport}. */
export interface UdpTransportOptions extends TransportOptions {
  /**
   * Address to bind. Default `127.0.0.1`; an IPv6 address (`::1`) makes an IPv6 socket. A
   * wildcard (`0.0.0.0`, `::`) receives on every interface; `local` then reports the address the
   * system sends from to reach `remote`, the one a peer can answer (Via, Contact).
   */
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
  /**
   * The server this socket's flow goes to (the registrar or edge proxy): where
   * {@link UdpTransport.keepFlowAlive} sends its STUN Binding requests, and what `local` is
   * reported for when bound to a wildcard. `send()` still needs a target.
   */
  remote?: Endpoint;
  /**
   * How a wildcard-bound transport finds its address toward `remote` when connecting. Default
   * {@link routeSourceAddress} (asks the system's routing table). When it fails, `local` keeps the wildcard.
   */
  sourceAddress?: SourceAddressLookup;
}

/**
 * SIP over UDP (Node): one message per datagram, one socket for every peer. Unreliable, so the
 * transaction layer retransmits. Datagrams that do not parse are reported and dropped; a lone
 * CRLF keep-alive is ignored. STUN datagrams (RFC 5389) never reach the SIP parser or the trace
 * hook: a Binding request is answered with the sender's address (as RFC 5626 section 8 asks of an
 * edge proxy), or with a 420 error when it carries comprehension-required attributes the codec does
 * not read (RFC 5389 section 7.3.1), and a Binding response goes to the keep-alive of
 * {@link UdpTransport.keepFlowAlive}.
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
  private readonly remote: Endpoint | undefined;
  private readonly sourceAddress: SourceAddressLookup;
  private stunKeepAlive: StunKeepAlive | undefined;
  private flowConfirmations = 0;

  constructor(options: UdpTransportOptions = {}) {
    super(options);
    this.bindHost = options.host ?? '127.0.0.1';
    this.bindPort = options.port ?? 0;
    this.recvBuffer = bufferSize(options.recvBufferSize, 'recvBufferSize');
    this.sendBuffer = bufferSize(options.sendBufferSize, 'sendBufferSize');
    this.remote = options.remote;
    this.sourceAddress = options.sourceAddress ?? routeSourceAddress;
  }

  /** The receive buffer the system granted, in bytes, once bound (Linux reports twice the value set). */
  get recvBufferSize(): number | undefined {
    return this.socket?.getRecvBufferSize();
  }

  /**
   * How many STUN Binding responses confirmed the flow of {@link UdpTransport.keepFlowAlive} alive
   * (the awaited transaction, the mapped address unchanged) since the transport was made.
   */
  get keepAliveResponses(): number {
    return this.flowConfirmations;
  }

  /**
   * The bound address; `{ host, port: 0 }` before `connect()`. Bound to a wildcard with a
   * `remote`, the host is this machine's address toward `remote` (found when connecting).
   */
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
    return this.datagram(socket, bytes, target, true);
  }

  /**
   * RFC 5626 section 4.4.2: keeps the flow to `remote` alive with STUN Binding requests every
   * 80-100 % of `seconds`, and emits `flowFailed` when a request goes unanswered (RFC 5389
   * retransmissions, about 40 s) or the mapped address changes. No change while they run (a new
   * interval comes through {@link UdpTransport.setFlowTimer}); a new call after a failure starts
   * afresh. Ignored without a `remote` or once closed.
   */
  keepFlowAlive(seconds: number): void {
    if (this.stunKeepAlive?.active || this.state === 'closed') return;
    const remote = this.remote;
    if (!remote) {
      this.logger.debug('UDP keep-alive needs a remote; none configured');
      return;
    }
    const keepAlive = new StunKeepAlive(
      {
        send: (bytes) => {
          const socket = this.socket;
          if (!socket) return;
          this.datagram(socket, bytes, remote).catch((err: Error) =>
            this.logger.debug(`STUN keep-alive: ${err.message}`),
          );
        },
        onFailure: (reason) => {
          if (this.stunKeepAlive === keepAlive) this.stunKeepAlive = undefined;
          this.logger.warn(`UDP flow to ${remote.host}:${remote.port} failed: ${reason}`);
          this.emitShared('flowFailed', reason);
        },
      },
      { seconds, clock: this.clock, random: this.random },
    );
    this.stunKeepAlive = keepAlive;
    keepAlive.start();
  }

  /**
   * Uses the registrar's `Flow-Timer` (seconds) as the interval of the running STUN keep-alive, as
   * the stream transports do: the next request goes out 80-100 % of it from now, unless one awaits
   * its response. The interval in use changes nothing. No effect while keep-alives are off; with
   * them on, throws `RangeError` unless `seconds` > 0.
   */
  setFlowTimer(seconds: number): void {
    this.stunKeepAlive?.setFlowTimer(seconds);
  }

  /** Closes the socket (also one still binding); resolves once it has emitted `close`. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.state === 'closed') return Promise.resolve();
    this.stunKeepAlive?.stop();
    this.stunKeepAlive = undefined;
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
    const type = isIPv6(host) ? 'udp6' : 'udp4';
    const socket = createSocket({
      type,
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
        this.listen(socket);
        const addr = socket.address();
        // The configured host string when it is the bound address: one string fewer per socket.
        const bound = addr.address === host ? host : addr.address;
        this.reportedHost(bound, type).then((reported) => {
          // close() while looking up: onClose has rejected.
          if (this.binding !== socket) return;
          socket.off('close', onClose);
          this.binding = undefined;
          this.bound = { host: reported, port: addr.port };
          this.socket = socket;
          this.setState('connected');
          resolve();
        });
      });
    });
  }

  /**
   * The host to report as `local`: the bound one, or for a wildcard the address toward `remote`
   * (what a peer can answer; a wildcard in Via or Contact reaches nobody). Never rejects.
   */
  private async reportedHost(bound: string, type: 'udp4' | 'udp6'): Promise<string> {
    const remote = this.remote;
    if ((bound !== '0.0.0.0' && bound !== '::') || !remote) return bound;
    try {
      return await this.sourceAddress({ host: unbracket(remote.host), port: remote.port }, type);
    } catch (err) {
      this.logger.warn(
        `no local address toward ${endpointKey(remote)}, reporting ${bound}: ${(err as Error).message}`,
      );
      return bound;
    }
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
    if (isStunMessage(bytes)) {
      this.stun(bytes, source);
      return;
    }
    this.trace('in', bytes, source);
    // Keep-alives of CRLFs (RFC 5626 section 3.5.1 style, sent by some UAs over UDP): nothing to parse.
    if (bytes.every((b) => b === 13 || b === 10)) return;
    this.deliver(bytes, source);
  }

  /**
   * Answers a Binding request (420 when it carries attributes we must understand but do not);
   * hands a Binding success response to the keep-alive; drops the rest.
   */
  private stun(bytes: Uint8Array, source: Endpoint): void {
    try {
      const msg = parseStun(bytes);
      if (msg.type === STUN_BINDING_SUCCESS) {
        this.logger.debug(`STUN Binding response from ${endpointKey(source)}`);
        if (this.stunKeepAlive?.responseReceived(msg)) this.flowConfirmations++;
      } else if (msg.type === STUN_BINDING_REQUEST && this.socket) {
        const unknown = msg.unknown;
        this.logger.debug(
          `STUN Binding request from ${endpointKey(source)} answered${unknown ? ' 420 Unknown Attribute' : ''}`,
        );
        const answer = unknown
          ? stunUnknownAttributes(msg.transactionId, unknown)
          : stunBindingSuccess(msg.transactionId, source);
        this.datagram(this.socket, answer, source).catch((err: Error) =>
          this.logger.debug(`STUN response not sent: ${err.message}`),
        );
      }
    } catch (err) {
      if (!(err instanceof StunError)) throw err;
      this.logger.debug(`STUN datagram from ${source.host}:${source.port} dropped: ${err.message}`);
    }
  }

  /** Sends one datagram; `traced` for SIP (STUN stays out of the SIP trace). */
  private datagram(socket: Socket, bytes: Uint8Array, target: Endpoint, traced = false): Promise<void> {
    return new Promise((resolve, reject) => {
      socket.send(bytes, target.port, unbracket(target.host), (err) => {
        if (err) {
          reject(
            new TransportError('SEND_FAILED', `cannot send to ${target.host}:${target.port}`, { cause: err }),
          );
          return;
        }
        if (traced) this.trace('out', bytes, target);
        resolve();
      });
    });
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
