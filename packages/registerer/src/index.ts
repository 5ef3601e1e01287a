/**
 * @sipkit/registerer: a SIP registration client with profiles that reproduce JsSIP 3.13,
 * SIP.js 0.21, SIP.js 0.7 and Asterisk, and a `sipkit` default that takes the best of them.
 * Its `Registerer` takes profiles by name; `@sipkit/registerer/core` has one that takes a
 * profile object, so that a bundle holds only that profile.
 * @packageDocumentation
 */

// Everything of the core entry; this entry's Registerer (profiles by name) wins over its one.
export * from './core.js';
export type { RegistererOptions } from './options.js';
export { PROFILES, resolveProfile } from './profiles/index.js';
export { Registerer } from './registerer-by-name.js';
