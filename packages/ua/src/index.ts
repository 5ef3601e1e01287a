/**
 * @sipkit/ua: the reference user agent. Composes transport, transactions, digest and the
 * registerer; configured directly or from JsSIP, SIP.js 0.7, SIP.js 0.21 or pjsip.conf
 * settings. Node transports are in `@sipkit/ua/node`; `@sipkit/ua/core` has the same user agent
 * without the config adapters and with one registration profile, for smaller browser bundles.
 * @packageDocumentation
 */

export type {
  RegistrationResult,
  RegistrationState,
  StateChange,
  UnregisterResult,
} from '@sipkit/registerer';
export { credentialsFromConfig, DigestAuthenticator } from './authenticator.js';
export { UserAgentError, type UserAgentErrorCode } from './errors.js';
export { UserAgent } from './full-user-agent.js';
export { profileFromConfig } from './profile-from-config.js';
export { registererOptionsFromConfig } from './registerer-options.js';
export { ALLOWED_METHODS, answerRequest, RequestHandler, SUPPORTED } from './request-handler.js';
export {
  SipStack,
  type SipStackEvents,
  type SipStackOptions,
  type SipStackState,
  type StackMember,
} from './sip-stack.js';
export { TimerQueue } from './timer-queue.js';
export {
  serverEndpoint,
  type TransportContext,
  type TransportFactory,
  webSocketTransportFactory,
  webSocketUrl,
} from './transport-factory.js';
export type {
  SipTrace,
  UserAgentEvents,
  UserAgentOptions,
  UserAgentState,
} from './user-agent.js';
export { type IdentityOverride, withIdentity } from './with-identity.js';
