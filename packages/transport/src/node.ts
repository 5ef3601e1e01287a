/**
 * `@sipkit/transport/node`: transports that need Node (UDP, TCP, TLS, and WebSocket client and
 * server through the `ws` package). Kept out of the main entry so browser bundles never see a `node:` import.
 * @packageDocumentation
 */
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
