import type { ContactConfig, UserAgentConfig } from '@sipkit/config';
import type { SipUri } from '@sipkit/parser';
import type { RegistererOptions } from '@sipkit/registerer';
import type { ContactOptions, CoreRegistererOptions, RegistrationProfile } from '@sipkit/registerer/core';
import { profileFromConfig } from './profile-from-config.js';

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
      instanceAlways: contact.instanceIdAlwaysAdded ? (contact.uaInstanceId ?? true) : undefined,
    };
    contactOptionsOf.set(contact, out);
  }
  return out;
}

/** The ports the user agent (or its stack) supplies, and the profile it resolved. */
type Ports = Pick<
  CoreRegistererOptions,
  'clock' | 'random' | 'sender' | 'authenticator' | 'logger' | 'observer'
> & { profile: RegistrationProfile };

/**
 * Everything the registerer takes from a config, except the ports (clock, random, sender,
 * authenticator) that the user agent supplies. Parts that do not depend on the identity (the
 * profile, the Contact options, empty header lists) are shared between user agents.
 */
export function registererOptionsFromConfig(
  config: UserAgentConfig,
): Omit<RegistererOptions, 'clock' | 'random' | 'sender' | 'authenticator' | 'logger'> {
  const {
    clock: _clock,
    random: _random,
    sender: _sender,
    logger: _logger,
    ...rest
  } = sharedOptions(config, { ...NO_STACK_PORTS, profile: profileFromConfig(config) });
  return { ...rest, aor: config.identity.aor };
}

/** SIP.js `RegistererOptions.params`: From and To of REGISTER other than the AOR's. */
function requestOverrides(
  o: UserAgentConfig['registration']['requestOverrides'],
): Pick<RegistererOptions, 'from' | 'to'> {
  if (!o) return {};
  const out: Pick<RegistererOptions, 'from' | 'to'> = {};
  if (o.fromUri || o.fromDisplayName !== undefined || o.fromTag !== undefined)
    out.from = { uri: o.fromUri, displayName: o.fromDisplayName, tag: o.fromTag };
  if (o.toUri || o.toDisplayName !== undefined) out.to = { uri: o.toUri, displayName: o.toDisplayName };
  return out;
}

/** The last shared options made per registration config, with what they were made from. */
const sharedByRegistration = new WeakMap<object, { inputs: unknown[]; options: CoreRegistererOptions }>();

type SharedPorts = Pick<Ports, 'clock' | 'random' | 'sender' | 'logger' | 'profile'>;

/** No stack's ports: for options shared by user agents that each have a stack, or none yet. */
const NO_STACK_PORTS: SharedPorts = {
  clock: undefined!,
  random: undefined!,
  sender: undefined!,
  logger: undefined,
  profile: undefined!,
};

/** The options every registerer of user agents with equal settings (all but the AOR) can share. */
function sharedOptions(config: UserAgentConfig, ports: SharedPorts): CoreRegistererOptions {
  const { identity, contact, registration } = config;
  // The options taken as they are (the AOR aside: each user agent replaces it); the others are
  // made from `sources`. Both are what a cached options object is reused for.
  const plain: Omit<CoreRegistererOptions, 'aor'> = {
    registrar: registration.registrar,
    displayName: identity.displayName,
    instanceId: contact.instanceId,
    regId: contact.regId,
    outbound: contact.outbound,
    extraSupported: registration.supported,
    expires: registration.expires,
    userAgent: config.userAgent,
    bareUserAgent: registration.stackUserAgent,
    fromTagTrail: registration.fromTagTrail,
    securityAgreement: registration.securityAgreement,
    profile: ports.profile,
    clock: ports.clock,
    random: ports.random,
    sender: ports.sender,
    logger: ports.logger,
  };
  const server = config.servers[0];
  const sources = [
    server,
    config.routeSet,
    config.preloadedRouteFromServer,
    config.extraHeaders,
    config.credentials.bearer,
    config.profileParams,
    contact,
    registration.extraHeaders,
    registration.requestOverrides,
  ];
  const inputs = [...Object.values(plain), ...sources];
  const cached = sharedByRegistration.get(registration);
  if (cached?.inputs.every((v, i) => v === inputs[i])) return cached.options;
  const routeSet = config.routeSet.map((u) => `<${u}>`);
  if (config.preloadedRouteFromServer && server) {
    const uri = server.uri.clone();
    uri.params.set('lr');
    routeSet.unshift(`<${uri}>`);
  }
  const extraHeaders = headerPairs([...config.extraHeaders, ...registration.extraHeaders]);
  const bearer = config.credentials.bearer;
  if (bearer?.preemptive) extraHeaders.push(['Authorization', bearer.authorization]);
  const options: CoreRegistererOptions = {
    aor: identity.aor,
    ...plain,
    contact: contactOptions(contact),
    // The shared empty lists when empty: one pair of arrays for all options without any.
    extraHeaders: extraHeaders.length > 0 ? extraHeaders : NO_HEADERS,
    routeSet: routeSet.length > 0 ? routeSet : NO_ROUTES,
    ...requestOverrides(registration.requestOverrides),
  };
  sharedByRegistration.set(registration, { inputs, options });
  return options;
}

/**
 * The registerer options of a config with the ports. Everything but the address-of-record and
 * the per-user-agent ports lives in an object shared by every user agent with the same settings
 * (the prototype of the one returned), so ten thousand registerers do not each hold a copy of
 * twenty option fields. `sharedStack`: the stack's ports (clock, random, sender, logger) are
 * shared too; a user agent with a stack of its own keeps them in its own object, because an
 * object used as a prototype by one user agent alone costs V8 more than the copy (its own
 * hidden classes and a dictionary of properties). `aor` replaces the config's (a user agent
 * passes the text of an identity's AOR, which it keeps anyway, rather than a parsed URI).
 * @internal
 */
export function buildRegistererOptions(
  config: UserAgentConfig,
  ports: Ports,
  sharedStack: boolean,
  aor: string | SipUri = config.identity.aor,
): CoreRegistererOptions {
  const shared = sharedOptions(config, sharedStack ? ports : { ...NO_STACK_PORTS, profile: ports.profile });
  const own = Object.create(shared) as CoreRegistererOptions;
  own.aor = aor;
  own.authenticator = ports.authenticator;
  own.observer = ports.observer;
  if (!sharedStack) {
    own.clock = ports.clock;
    own.random = ports.random;
    own.sender = ports.sender;
    own.logger = ports.logger;
  }
  return own;
}
