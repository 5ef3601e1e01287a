import type { ContactConfig, UserAgentConfig } from '@sipkit/config';
import {
  type ContactOptions,
  createAsteriskProfile,
  createSipjsProfile,
  jssipProfile,
  type RegistererOptions,
  type RegistrationProfile,
  sipjsLegacyProfile,
  sipkitProfile,
} from '@sipkit/registerer';

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

const NO_HEADERS: [string, string][] = [];
const NO_ROUTES: string[] = [];
/** Contact options by contact config: user agents whose configs share a contact config share these. */
const contactOptionsOf = new WeakMap<ContactConfig, ContactOptions>();

function contactOptions(contact: ContactConfig): ContactOptions {
  let out = contactOptionsOf.get(contact);
  if (!out) {
    out = {
      uri: contact.uri?.toString(),
      user: contact.user,
      host: contact.host,
      uriParams: contact.uriParams,
      params: contact.headerParams.length > 0 ? paramRecord(contact.headerParams) : undefined,
      line: contact.line,
    };
    contactOptionsOf.set(contact, out);
  }
  return out;
}

/** The ports the user agent (or its stack) supplies. */
type Ports = Pick<RegistererOptions, 'clock' | 'random' | 'sender' | 'authenticator' | 'logger' | 'observer'>;

/**
 * Everything the registerer takes from a config, except the ports (clock, random, sender,
 * authenticator) that the user agent supplies. Parts that do not depend on the identity (the
 * profile, the Contact options, empty header lists) are shared between user agents.
 */
export function registererOptionsFromConfig(
  config: UserAgentConfig,
): Omit<RegistererOptions, 'clock' | 'random' | 'sender' | 'authenticator' | 'logger'> {
  // The port keys are present but undefined: spreading the ports over the result fills them in.
  return buildRegistererOptions(config, {} as Ports);
}

/**
 * The registerer options of a config with the ports: one object literal of a fixed shape, so
 * every registerer's options share one hidden class.
 * @internal
 */
export function buildRegistererOptions(config: UserAgentConfig, ports: Ports): RegistererOptions {
  const { identity, contact, registration } = config;
  let routeSet = NO_ROUTES;
  const server = config.servers[0];
  if (config.routeSet.length > 0 || (config.preloadedRouteFromServer && server)) {
    routeSet = config.routeSet.map((u) => `<${u}>`);
    if (config.preloadedRouteFromServer && server) {
      const uri = server.uri.clone();
      uri.params.set('lr');
      routeSet.unshift(`<${uri}>`);
    }
  }
  let extraHeaders = NO_HEADERS;
  const bearer = config.credentials.bearer?.preemptive ? config.credentials.bearer : undefined;
  if (config.extraHeaders.length > 0 || registration.extraHeaders.length > 0 || bearer) {
    extraHeaders = headerPairs([...config.extraHeaders, ...registration.extraHeaders]);
    if (bearer) extraHeaders.push(['Authorization', bearer.authorization]);
  }
  return {
    aor: identity.aor,
    registrar: registration.registrar,
    displayName: identity.displayName,
    contact: contactOptions(contact),
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
    clock: ports.clock,
    random: ports.random,
    sender: ports.sender,
    authenticator: ports.authenticator,
    logger: ports.logger,
    observer: ports.observer,
  };
}
