/**
 * `@sipkit/registerer/core`: the same registration client, whose `Registerer` takes its profile
 * as an object (default `sipkitProfile`) instead of by name, so a bundle holds only the profile
 * it uses rather than every built-in one. Everything else is as in `@sipkit/registerer`.
 *
 * ```ts
 * import { jssipProfile, Registerer } from '@sipkit/registerer/core';
 * const reg = new Registerer({ aor, profile: jssipProfile, clock, random, sender, authenticator });
 * ```
 * @packageDocumentation
 */
export { RegistrationError, type RegistrationErrorCode } from './errors.js';
export type {
  ContactOptions,
  CoreRegistererOptions,
  RegistererObserver,
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
export { jssipProfile } from './profiles/jssip.js';
export { createSipjsProfile, type SipjsProfileOptions, sipjsProfile } from './profiles/sipjs.js';
export { sipjsLegacyProfile } from './profiles/sipjs-legacy.js';
export { createSipkitProfile, type SipkitProfileOptions, sipkitProfile } from './profiles/sipkit.js';
export { MIN_REGISTER_GAP_MS, Registerer } from './registerer.js';
export { requiresOutbound } from './response-values.js';
export type { Gruu, RegistrationResult, UnregisterResult } from './result.js';
export type { RegistererEvents, RegistrationState, StateChange, StateChangeReason } from './state.js';
