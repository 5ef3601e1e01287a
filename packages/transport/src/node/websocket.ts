import WebSocket from 'ws';
import type { WebSocketConstructor } from '../websocket-transport.js';
import { WebSocketTransport, type WebSocketTransportOptions } from '../websocket-transport.js';

/** The `ws` package's client, typed as the constructor {@link WebSocketTransport} takes. */
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/** A {@link WebSocketTransport} for Node, using the `ws` package unless another constructor is given. */
export function createNodeWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  return new WebSocketTransport({ WebSocket: NodeWebSocket, ...options });
}
