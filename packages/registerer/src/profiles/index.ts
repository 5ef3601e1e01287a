import type { ProfileName, RegistrationProfile } from '../profile.js';
import { asteriskProfile } from './asterisk.js';
import { jssipProfile } from './jssip.js';
import { sipjsProfile } from './sipjs.js';
import { sipjsLegacyProfile } from './sipjs-legacy.js';
import { sipkitProfile } from './sipkit.js';

/** The built-in profiles with their default settings, by name. */
export const PROFILES: Readonly<Record<ProfileName, RegistrationProfile>> = {
  jssip: jssipProfile,
  sipjs: sipjsProfile,
  'sipjs-legacy': sipjsLegacyProfile,
  asterisk: asteriskProfile,
  sipkit: sipkitProfile,
};

/** A profile by name, or the object itself. */
export function resolveProfile(profile: ProfileName | RegistrationProfile | undefined): RegistrationProfile {
  if (profile === undefined) return sipkitProfile;
  return typeof profile === 'string' ? PROFILES[profile] : profile;
}
