import type { UserAgentConfig } from '@sipkit/config';
import {
  createAsteriskProfile,
  createSipjsProfile,
  jssipProfile,
  type RegistererOptions,
  type RegistrationProfile,
  sipjsLegacyProfile,
  sipkitProfile,
} from '@sipkit/registerer';

/** The registerer profile object for a config's profile name and parameters. */
export function profileFromConfig(config: UserAgentConfig): RegistrationProfile {
  const p = config.profileParams;
  switch (p.profile) {
    case 'jssip':
      return jssipProfile;
    case 'sipjs':
      return createSipjsProfile({ refreshFrequency: p.refreshFrequency });
    case 'sipjs-legacy':
      return sipjsLegacyProfile;
    case 'asterisk':
      return createAsteriskProfile({
        retryInterval: p.retryInterval,
        forbiddenRetryInterval: p.forbiddenRetryInterval,
        fatalRetryInterval: p.fatalRetryInterval,
        maxRetries: p.maxRetries,
        authRejectionPermanent: p.authRejectionPermanent,
        maxRandomInitialDelay: p.maxRandomInitialDelay,
        supportPath: config.registration.supported.includes('path'),
        supportOutbound: config.registration.supported.includes('outbound'),
      });
    default:
      return sipkitProfile;
  }
}

/** Splits `Name: value` lines into header pairs. */
function headerPairs(lines: readonly string[]): [string, string][] {
  return lines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
}

/** Contact header params written `name[=value]` as a record (`null` for a flag). */
function paramRecord(params: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) out[p] = null;
    else out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

/**
 * Everything the registerer takes from a config, except the ports (clock, random, sender,
 * authenticator) that the user agent supplies.
 */
export function registererOptionsFromConfig(
  config: UserAgentConfig,
): Omit<RegistererOptions, 'clock' | 'random' | 'sender' | 'authenticator' | 'logger'> {
  const { identity, contact, registration } = config;
  const routeSet = config.routeSet.map((u) => `<${u}>`);
  const server = config.servers[0];
  if (config.preloadedRouteFromServer && server) {
    const uri = server.uri.clone();
    uri.params.set('lr');
    routeSet.unshift(`<${uri}>`);
  }
  const extraHeaders = headerPairs([...config.extraHeaders, ...registration.extraHeaders]);
  if (config.credentials.bearer?.preemptive)
    extraHeaders.push(['Authorization', config.credentials.bearer.authorization]);
  return {
    aor: identity.aor,
    registrar: registration.registrar,
    displayName: identity.displayName,
    contact: {
      uri: contact.uri?.toString(),
      user: contact.user,
      host: contact.host,
      uriParams: contact.uriParams,
      params: paramRecord(contact.headerParams),
      line: contact.line,
    },
    instanceId: contact.instanceId,
    regId: contact.regId,
    outbound: contact.outbound,
    extraSupported: registration.supported,
    expires: registration.expires,
    extraHeaders,
    routeSet,
    userAgent: config.userAgent,
    fromTagTrail: registration.fromTagTrail,
    profile: profileFromConfig(config),
  };
}
