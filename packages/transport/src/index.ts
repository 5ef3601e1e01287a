/**
 * @sipkit/transport: the Transport interface, clocks and random sources, the browser-safe
 * WebSocket transport (RFC 7118), reconnection with weighted failover, and RFC 5626
 * keep-alives. Node-only transports (UDP, TCP, TLS, and `ws`) are in `@sipkit/transport/node`.
 * @packageDocumentation
 */
export { BaseTransport, endpointKey, type TransportOptions } from './base-transport.js';
export {
  type Clock,
  cryptoRandom,
  type RandomSource,
  seededRandom,
  systemClock,
  type TimerHandle,
  VirtualClock,
} from './clock.js';
export { Emitter, type EventMap } from './emitter.js';
export { TransportError, type TransportErrorCode } from './errors.js';
export { KeepAlive, type KeepAliveOptions, type KeepAliveTarget, PONG_TIMEOUT_MS } from './keep-alive.js';
export {
  type Logger,
  redactCredentials,
  redactUrls,
  silentLogger,
  type TraceDirection,
  type TraceHook,
} from './logger.js';
export { randomBelow, randomToken, randomUnit } from './random.js';
export {
  type ExponentialBackoffOptions,
  exponentialBackoff,
  jssipBackoff,
  type LegacyBackoffOptions,
  type ReconnectPolicy,
  sipjs07Backoff,
} from './reconnect-policy.js';
export {
  type FailoverMode,
  jssipReconnect,
  ReconnectingTransport,
  type ReconnectingTransportEvents,
  type ReconnectingTransportOptions,
  type ServerRetries,
  type Sipjs07ReconnectOptions,
  sipjs07Reconnect,
} from './reconnecting-transport.js';
export { ServerPool, type WeightedServer } from './server-pool.js';
export type { Endpoint, Transport, TransportEvents, TransportProtocol, TransportState } from './transport.js';
export {
  type WebSocketConstructor,
  type WebSocketLike,
  WebSocketTransport,
  type WebSocketTransportOptions,
} from './websocket-transport.js';
