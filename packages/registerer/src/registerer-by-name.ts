import { RegistrationError } from './errors.js';
import type { CoreRegistererOptions, RegistererOptions } from './options.js';
import { resolveProfile } from './profiles/index.js';
import { Registerer as CoreRegisterer } from './registerer.js';

/**
 * The {@link CoreRegisterer | registerer} that also takes a built-in profile by name
 * (`profile: 'jssip'`), so it brings every built-in profile into a bundle. Given a profile object,
 * or none (the `sipkit` default), it behaves exactly as the `Registerer` of
 * `@sipkit/registerer/core`, which bundles only the profile it is given.
 */
export class Registerer extends CoreRegisterer {
  constructor(options: RegistererOptions) {
    super(
      typeof options.profile === 'string' ? withNamedProfile(options) : (options as CoreRegistererOptions),
    );
  }
}

/** The options with the named profile's object in place of its name; the rest read through. */
function withNamedProfile(options: RegistererOptions): CoreRegistererOptions {
  const profile = resolveProfile(options.profile);
  if (!profile) throw new RegistrationError('INVALID_OPTIONS', `unknown profile ${String(options.profile)}`);
  // A view rather than a copy: the caller's object (and whatever it inherits) stays the source.
  return Object.create(options, { profile: { value: profile, enumerable: true } });
}
