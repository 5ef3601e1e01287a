/**
 * sipkit register-only, hand-wired: the same job without @sipkit/ua (and so without
 * @sipkit/config): the app builds the WebSocket transport, transaction layer, digest client and
 * `Registerer` itself. One line per package; this is the floor with the packages as they are.
 */

export { applyAuthorization, DigestClient, DigestCredentials } from '@sipkit/digest';
export { createRequest, parseMessage, serialize } from '@sipkit/parser';
export { Registerer } from '@sipkit/registerer/core';
export { TransactionLayer } from '@sipkit/transaction';
export { cryptoRandom, ReconnectingTransport, systemClock, WebSocketTransport } from '@sipkit/transport';
