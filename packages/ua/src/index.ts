/**
 * @sipkit/ua: the reference user agent. Composes transport, transactions, digest and the
 * registerer; configured directly or from JsSIP, SIP.js 0.7, SIP.js 0.21 or pjsip.conf
 * settings. Node transports are in `@sipkit/ua/node`; `@sipkit/ua/core` has the same user agent
 * without the config adapters and with one registration profile, for smaller browser bundles.
 * @packageDocumentation
 */

// Everything of the core entry; this entry's UserAgent (with the config adapters) wins over its one.
export * from './core.js';
export { UserAgent } from './full-user-agent.js';
export { profileFromConfig } from './profile-from-config.js';
export { registererOptionsFromConfig } from './registerer-options.js';
