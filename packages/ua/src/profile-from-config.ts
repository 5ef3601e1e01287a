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
      const algorithms = supportedAlgorithms(config);
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

/**
 * Asterisk answers with the algorithms its auth sections allow (`supported_algorithms_uac`); each
 * credential keeps its own list, so the profile allows all of them, in order of first mention.
 * Undefined (the profile's MD5) when no credential names any.
 */
function supportedAlgorithms(config: UserAgentConfig): string[] | undefined {
  const all = new Set(config.credentials.digest.flatMap((c) => c.algorithms ?? []));
  return all.size > 0 ? [...all] : undefined;
}

function shared(key: string, make: () => RegistrationProfile): RegistrationProfile {
  let profile = madeProfiles.get(key);
  if (!profile) {
    profile = make();
    madeProfiles.set(key, profile);
  }
  return profile;
}
