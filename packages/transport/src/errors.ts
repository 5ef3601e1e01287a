/** Stable codes of {@link TransportError}; safe to switch on. */
export type TransportErrorCode =
  /** The connection or socket could not be opened. */
  | 'CONNECT_FAILED'
  /** Opening took longer than the configured connect timeout. */
  | 'CONNECT_TIMEOUT'
  /** `send` was called while the transport was not connected. */
  | 'NOT_CONNECTED'
  /** The bytes could not be written. */
  | 'SEND_FAILED'
  /** A transport that talks to several peers was given no target. */
  | 'NO_TARGET'
  /** The transport was closed (by the user, or it gave up). */
  | 'CLOSED'
  /** The server did not agree to the `sip` WebSocket subprotocol (RFC 7118 section 4). */
  | 'PROTOCOL'
  /** An RFC 5626 keep-alive got no pong in time. */
  | 'FLOW_FAILED'
  /** No server is configured, or every reconnection attempt allowed was used. */
  | 'NO_SERVER'
  /** The server failed a request (a timeout or transport error), so the transport moved to another. */
  | 'SERVER_FAILED'
  /** A server address or URL could not be understood. */
  | 'BAD_ADDRESS'
  /** A listening transport has no open connection from the target, and cannot open one to it. */
  | 'NO_CONNECTION';

/** Every failure a transport reports, with a stable {@link TransportErrorCode}. */
export class TransportError extends Error {
  /** Always `'TransportError'`, so logs and `error.name` checks identify it. */
  override readonly name = 'TransportError';

  constructor(
    /** What went wrong, stable across versions. */
    readonly code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
