/**
 * sipkit "register-only" browser bundle: what a browser softphone imports to register over
 * WebSocket today, the `UserAgent` (it composes parser, digest, WebSocket transport,
 * transaction layer and registerer, and takes its settings through @sipkit/config). The
 * bundle-size benchmark lists the packages that end up in the bundle from esbuild's metafile.
 */
export { UserAgent } from '@sipkit/ua';
