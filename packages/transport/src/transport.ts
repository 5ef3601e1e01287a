import type { SipMessage } from '@sipkit/parser';

/** The Via transport token of a transport (RFC 3261 section 18, RFC 7118 for WS/WSS). */
export type TransportProtocol = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

/** Where a message goes to or came from. */
export interface Endpoint {
  /** Host name or IP address; IPv6 may be written with or without brackets. */
  host: string;
  /** Port; 0 when not bound yet or not meaningful (the local side of a WebSocket). */
  port: number;
}

/** Lifecycle of a transport; `closed` is final. */
export type TransportState = 'disconnected' | 'connecting' | 'connected' | 'closed';

/** Events every transport emits, with their payloads. */
export interface TransportEvents {
  /** A parsed message arrived; `source` is the peer address it came from (for `received`/`rport`). */
  message: (msg: SipMessage, source: Endpoint) => void;
  /** Bytes arrived that did not parse; the transport drops them (datagram) or closes the connection (stream). */
  parseError: (error: Error, source: Endpoint) => void;
  /** The state changed. */
  state: (state: TransportState, error?: Error) => void;
  /** An RFC 5626 flow failed (no pong in time, or the connection dropped): re-register. */
  flowFailed: (reason: string) => void;
  /**
   * (Transports with {@link Transport.connectionEvents}.) One connection closed: `peers` are the
   * addresses a send reached it by (its peer's address, and the one it was dialled by), `main`
   * is true for the connection to the transport's own peer (sends without a target).
   */
  connectionClosed: (peers: readonly Endpoint[], main: boolean, error?: Error) => void;
}

/**
 * One way of sending and receiving SIP messages. The transaction layer knows only this
 * interface; WebSocket, UDP, TCP and TLS implement it.
 */
export interface Transport {
  /** Via transport token. */
  readonly protocol: TransportProtocol;
  /** True for stream transports: no retransmissions by the transaction layer (RFC 3261 17.1.1.2). */
  readonly reliable: boolean;
  /** True for TLS and WSS. */
  readonly secure: boolean;
  /** Lifecycle state; every change is also emitted as the `state` event. */
  readonly state: TransportState;
  /**
   * True for transports with a connection per peer (TCP, TLS) that emit `connectionClosed` for
   * each connection they lose: their `disconnected` then means only that the main one went,
   * which `connectionClosed` already told. Absent (one connection, or none): `disconnected`
   * means everything sent is lost.
   */
  readonly connectionEvents?: boolean;
  /** Local address for Via sent-by and Contact; valid once connected. */
  readonly local: Endpoint;
  /** Opens sockets or the connection; resolves when ready to send. */
  connect(): Promise<void>;
  /**
   * Sends a message or pre-serialised bytes. `target` is required for UDP/TCP/TLS transports
   * that talk to several peers; WebSocket transports send to their connected server.
   * Rejects with `TransportError` when the bytes cannot be sent.
   */
  send(data: SipMessage | Uint8Array, target?: Endpoint): Promise<void>;
  /**
   * Optional: whether a connection to `peer` is open now (transports with a connection per
   * peer). A response may go back over the request's connection only while it is open (RFC
   * 3261 section 18.2.2); `send` to a peer without one would dial it.
   */
  hasConnection?(peer: Endpoint): boolean;
  /** Subscribes to an event; returns a function that unsubscribes. */
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void;
  /** Closes everything; nothing keeps the process alive afterwards. */
  close(): Promise<void>;
  /**
   * Optional: adopts the registrar's `Flow-Timer` (seconds, RFC 5626 section 4.4.1) as the
   * keep-alive interval of this transport's flows. Stream transports implement it.
   */
  setFlowTimer?(seconds: number): void;
  /**
   * Optional: keeps this transport's flows alive (RFC 5626 section 4.4.1, for a registration the
   * registrar confirmed as an outbound flow): when keep-alives are off, starts them with a nominal
   * interval of `seconds`, checking pongs; when they are on, changes nothing. Stream and WebSocket
   * transports implement it with CRLF pings, UDP with STUN Binding requests (section 4.4.2).
   */
  keepFlowAlive?(seconds: number): void;
}
