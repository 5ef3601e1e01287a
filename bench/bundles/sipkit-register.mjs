/**
 * sipkit "register-only" browser bundle: what a browser softphone imports to register over
 * WebSocket, the `UserAgent` of `@sipkit/ua/core` (it composes parser, digest, WebSocket
 * transport, transaction layer and registerer, takes a `UserAgentConfig` and follows the sipkit
 * profile). That entry is the lightweight one: no config adapters (`UserAgent.fromJsSIP` and the
 * like live in `@sipkit/ua`), one registration profile, no INVITE transactions. The bundle-size
 * benchmark lists the packages that end up in the bundle from esbuild's metafile.
 */
export { UserAgent } from '@sipkit/ua/core';
