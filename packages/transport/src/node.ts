/**
 * `@sipkit/transport/node`: transports that need Node (UDP, TCP, TLS, and WebSocket client and
 * server through the `ws` package). Kept out of the main entry so browser bundles never see a `node:` import.
 * Also the STUN codec and keep-alive of UDP flows (RFC 5389, RFC 5626 section 4.4.2): browser-safe
 * code, but only UDP uses it, so browser bundles need not carry it.
 * @packageDocumentation
 */

export { routeSourceAddress, type SourceAddressLookup } from './node/source-address.js';
export { StreamConnection, type StreamConnectionOptions } from './node/stream-connection.js';
export {
  StreamTransport,
  type StreamTransportOptions,
  TcpTransport,
  type TlsSettings,
  TlsTransport,
} from './node/stream-transport.js';
export { UdpTransport, type UdpTransportOptions } from './node/udp-transport.js';
export { createNodeWebSocketTransport, NodeWebSocket, nodeWebSocketWith } from './node/websocket.js';
export {
  WebSocketServerTransport,
  type WebSocketServerTransportOptions,
} from './node/websocket-server-transport.js';
export {
  isStunMessage,
  parseStun,
  STUN_BINDING_ERROR,
  STUN_BINDING_REQUEST,
  STUN_BINDING_SUCCESS,
  STUN_MAGIC_COOKIE,
  StunError,
  type StunErrorCode,
  type StunMessage,
  stunBindingRequest,
  stunBindingSuccess,
  stunTransactionId,
  stunUnknownAttributes,
} from './stun.js';
export { StunKeepAlive, type StunKeepAliveOptions, type StunKeepAliveTarget } from './stun-keep-alive.js';
