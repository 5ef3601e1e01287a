/**
 * sipkit "full UA" browser bundle: the whole public API of every package a browser UA is built
 * from (namespace exports keep all of it, nothing is tree-shaken away). @sipkit/config is left
 * out: it is a migration aid, not part of a running UA.
 *
 * When @sipkit/registerer and @sipkit/ua are merged, uncomment their lines (and add them to
 * bench/package.json dependencies).
 */

export * as digest from '@sipkit/digest';
export * as parser from '@sipkit/parser';
export * as transaction from '@sipkit/transaction';
export * as transport from '@sipkit/transport';
// export * as registerer from '@sipkit/registerer';
// export * as ua from '@sipkit/ua';
