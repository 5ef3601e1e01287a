/**
 * sipkit "full UA" browser bundle: the whole public API of every browser-safe package
 * (namespace exports keep all of it, nothing is tree-shaken away). A package added to the
 * workspace and missing here is reported by the bundle-size benchmark.
 */
export * as config from '@sipkit/config';
export * as digest from '@sipkit/digest';
export * as parser from '@sipkit/parser';
export * as registerer from '@sipkit/registerer';
export * as transaction from '@sipkit/transaction';
export * as transport from '@sipkit/transport';
export * as ua from '@sipkit/ua';
