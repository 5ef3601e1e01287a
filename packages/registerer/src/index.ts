/**
 * @sipkit/registerer: a SIP registration client with profiles that reproduce JsSIP 3.13,
 * SIP.js 0.21, SIP.js 0.7 and Asterisk, and a `sipkit` default that takes the best of them.
 * Its `Registerer` takes profiles by name; `@sipkit/registerer/core` has one that takes a
 * profile object, so that a bundle holds only that profile.
 * @packageDocumentation
 */
export { RegistrationError, type RegistrationErrorCode } from './errors.js';
export type {
  ContactOptions,
  CoreRegistererOptions,
  RegistererObserver,
  RegistererOptions,
  UnregisterOptions,
} from './options.js';
export type {
  Authenticator,
  Clock,
  DigestPolicy,
  LocalInfo,
  Logger,
  RandomSource,
  RegisterSender,
  TimerHandle,
} from './ports.js';
export type {
  ContactParts,
  ContactUriInput,
  ExpiresPlacement,
  FailureDecision,
  FailureInput,
  Grant,
  GrantInput,
  HeaderSlot,
  OutboundWish,
  ProfileName,
  RegistrationProfile,
  SupportedWish,
} from './profile.js';
export { type AsteriskProfileOptions, asteriskProfile, createAsteriskProfile } from './profiles/asterisk.js';
export { PROFILES, resolveProfile } from './profiles/index.js';
export { jssipProfile } from './profiles/jssip.js';
export { createSipjsProfile, type SipjsProfileOptions, sipjsProfile } from './profiles/sipjs.js';
export { sipjsLegacyProfile } from './profiles/sipjs-legacy.js';
export { createSipkitProfile, type SipkitProfileOptions, sipkitProfile } from './profiles/sipkit.js';
export { Registerer } from './registerer-by-name.js';
export type { Gruu, RegistrationResult, UnregisterResult } from './result.js';
export type { RegistererEvents, RegistrationState, StateChange, StateChangeReason } from './state.js';
