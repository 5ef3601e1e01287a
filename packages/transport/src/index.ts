/**
 * @sipkit/transport: the Transport interface, clocks and random sources. Node-only transports
 * (UDP, TCP, TLS) are in `@sipkit/transport/node`.
 * @packageDocumentation
 */
export {
  type Clock,
  cryptoRandom,
  type RandomSource,
  systemClock,
  type TimerHandle,
  VirtualClock,
} from './clock.js';
export type { Endpoint, Transport, TransportEvents, TransportProtocol, TransportState } from './transport.js';
