/**
 * @sipkit/config: adapters that turn a JsSIP, SIP.js 0.7, SIP.js 0.21 or Asterisk pjsip.conf
 * configuration into one validated {@link UserAgentConfig}, plus the registration profile that
 * reproduces the source system's behaviour; {@link sipkitConfig} builds one from sipkit's own
 * short options.
 * @packageDocumentation
 */
export type { AdapterOptions } from './adapter-options.js';
export { ConfigError, type ConfigErrorCode, type ConfigLocation, type ConfigSource } from './errors.js';
export {
  fromJsSIP,
  JSSIP_USER_AGENT,
  type JsSipConfig,
  type JsSipSocketEntry,
  type JsSipSocketLike,
} from './jssip.js';
export { AUTH_OPTIONS } from './pjsip/auth.js';
export { PjsipDocument, PjsipSection, type PjsipVariable } from './pjsip/document.js';
export { lexPjsipConf, type PjsipLine } from './pjsip/lexer.js';
export { type ReadFile, type ReadPjsipOptions, readPjsipConf } from './pjsip/reader.js';
export {
  ASTERISK_KEEP_ALIVE_INTERVAL,
  ASTERISK_USER_AGENT,
  type FromPjsipOptions,
  fromPjsip,
  fromPjsipDocument,
  REGISTRATION_OPTIONS,
} from './pjsip/registration.js';
export { astTrue } from './pjsip/section-reader.js';
export { TRANSPORT_OPTIONS } from './pjsip/transport.js';
export {
  type AsteriskProfileParams,
  type JsSipProfileParams,
  PROFILE_DEFAULTS,
  type ProfileName,
  type ProfileParams,
  type SipJsLegacyProfileParams,
  type SipJsProfileParams,
  type SipkitProfileParams,
} from './profiles.js';
export { hideSecrets } from './secrets.js';
export {
  fromSipJs,
  SIPJS_USER_AGENT,
  type SipJsRegistererOptions,
  type SipJsTransportOptions,
  type SipJsUserAgentOptions,
  type UriLike,
} from './sipjs.js';
export {
  fromSipJsLegacy,
  SIPJS_LEGACY_DEFAULT_SERVER,
  SIPJS_LEGACY_USER_AGENT,
  type SipJsLegacyConfig,
  type SipJsLegacyServer,
  snakeCase,
} from './sipjs-legacy.js';
export { SIPKIT_USER_AGENT, type SipkitConfigOptions, type SipkitServer, sipkitConfig } from './sipkit.js';
export type {
  BearerCredential,
  ConnectionConfig,
  ContactConfig,
  CredentialsConfig,
  DigestAlgorithm,
  DigestCredential,
  IdentityConfig,
  LocalTransportConfig,
  ReconnectPolicy,
  RegistrationConfig,
  ServerConfig,
  SessionConfig,
  TransportProtocol,
  UnsupportedOption,
  UserAgentConfig,
  ViaConfig,
} from './types.js';
export { GRACEFUL_SHUTDOWN_SECONDS } from './types.js';
export { normaliseInstanceId } from './values.js';
