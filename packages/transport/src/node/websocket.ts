import { DEFAULT_LIMITS } from '@sipkit/parser';
import WebSocket, { type ClientOptions } from 'ws';
import {
  type WebSocketConstructor,
  WebSocketTransport,
  type WebSocketTransportOptions,
} from '../websocket-transport.js';

/**
 * The `ws` package's client as it is, typed as the constructor {@link WebSocketTransport} takes.
 * It caps no frame below `ws`'s 100 MiB: {@link createNodeWebSocketTransport} and
 * {@link nodeWebSocketWith} do.
 */
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/**
 * A `ws` client constructor with fixed client options: for WSS with a private CA (`ca`), client
 * certificates, or extra handshake headers. `maxPayload` defaults to the parser's default
 * `maxMessageBytes`: a larger frame closes the connection (1009) instead of being buffered whole
 * (`ws` allows 100 MiB).
 */
export function nodeWebSocketWith(options: ClientOptions): WebSocketConstructor {
  const settings = { maxPayload: DEFAULT_LIMITS.maxMessageBytes, ...options };
  class ConfiguredWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, settings);
    }
  }
  return ConfiguredWebSocket as unknown as WebSocketConstructor;
}

/**
 * A {@link WebSocketTransport} for Node, using the `ws` package unless another constructor is
 * given; frames larger than the parser's `maxMessageBytes` (`options.limits`) close the connection.
 */
export function createNodeWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const maxPayload = options.limits?.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes;
  return new WebSocketTransport({ WebSocket: nodeWebSocketWith({ maxPayload }), ...options });
}
