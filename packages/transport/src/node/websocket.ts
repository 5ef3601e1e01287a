import WebSocket, { type ClientOptions } from 'ws';
import {
  type WebSocketConstructor,
  WebSocketTransport,
  type WebSocketTransportOptions,
} from '../websocket-transport.js';

/** The `ws` package's client, typed as the constructor {@link WebSocketTransport} takes. */
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/**
 * A `ws` client constructor with fixed client options: for WSS with a private CA (`ca`), client
 * certificates, or extra handshake headers.
 */
export function nodeWebSocketWith(options: ClientOptions): WebSocketConstructor {
  class ConfiguredWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, options);
    }
  }
  return ConfiguredWebSocket as unknown as WebSocketConstructor;
}

/** A {@link WebSocketTransport} for Node, using the `ws` package unless another constructor is given. */
export function createNodeWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  return new WebSocketTransport({ WebSocket: NodeWebSocket, ...options });
}
