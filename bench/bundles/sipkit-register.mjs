/**
 * sipkit "register-only" browser bundle: what a browser softphone imports to register over
 * WebSocket. Each line is one package; the bundle-size benchmark reports which packages made it
 * into the bundle, so adding a package here is the whole change.
 *
 * When @sipkit/registerer and @sipkit/ua are merged, uncomment their lines (and add them to
 * bench/package.json dependencies).
 */

export { applyAuthorization, DigestClient, DigestCredentials } from '@sipkit/digest';
export { createRequest, NameAddr, parseMessage, SipUri, serialize } from '@sipkit/parser';
export { TransactionLayer } from '@sipkit/transaction';
export {
  cryptoRandom,
  KeepAlive,
  ReconnectingTransport,
  systemClock,
  WebSocketTransport,
} from '@sipkit/transport';
// export { Registerer } from '@sipkit/registerer';
// export { UserAgent } from '@sipkit/ua';
