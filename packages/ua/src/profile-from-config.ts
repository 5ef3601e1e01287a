import type { UserAgentConfig } from '@sipkit/config';
import {
  createAsteriskProfile,
  createSipjsProfile,
  jssipProfile,
  type RegistrationProfile,
  sipjsLegacyProfile,
  sipkitProfile,
} from '@sipkit/registerer/core';

/** Profiles made from parameters, by their parameters: user agents with equal settings share one. */
const madeProfiles = new Map<string, RegistrationProfile>();

/** The registerer profile object for a config's profile name and parameters. */
export function profileFromConfig(config: UserAgentConfig): RegistrationProfile {
  const p = config.profileParams;
  switch (p.profile) {
    case 'jssip':
      return jssipProfile;
    case 'sipjs':
      return shared(`sipjs ${p.refreshFrequency}`, () =>
        createSipjsProfile({ refreshFrequency: p.refreshFrequency }),
      );
    case 'sipjs-legacy':
      return sipjsLegacyProfile;
    case 'asterisk': {
      // Each credential keeps its own supported_algorithms_uac: the profile allows them all.
      const all = [...new Set(config.credentials.digest.flatMap((c) => c.algorithms ?? []))];
      const algorithms = all.length > 0 ? all : undefined;
      const supportPath = config.registration.supported.includes('path');
      const supportOutbound = config.registration.supported.includes('outbound');
      const key = [
        'asterisk',
        p.retryInterval,
        p.forbiddenRetryInterval,
        p.fatalRetryInterval,
        p.maxRetries,
        p.authRejectionPermanent,
        p.maxRandomInitialDelay,
        supportPath,
        supportOutbound,
        algorithms,
      ].join(' ');
      return shared(key, () =>
        createAsteriskProfile({
          retryInterval: p.retryInterval,
          forbiddenRetryInterval: p.forbiddenRetryInterval,
          fatalRetryInterval: p.fatalRetryInterval,
          maxRetries: p.maxRetries,
          authRejectionPermanent: p.authRejectionPermanent,
          maxRandomInitialDelay: p.maxRandomInitialDelay,
          supportPath,
          supportOutbound,
          supportedAlgorithms: algorithms,
        }),
      );
    }
    default:
      return sipkitProfile;
  }
}

function shared(key: string, make: () => RegistrationProfile): RegistrationProfile {
  let profile = madeProfiles.get(key);
  if (!profile) {
    profile = make();
    madeProfiles.set(key, profile);
  }
  return profile;
}
