/**
 * `@sipkit/ua/core`: the reference user agent for an app that has its `UserAgentConfig`
 * already. Its `UserAgent` is the one of `@sipkit/ua` without the `fromJsSIP`/`fromSipJs`/
 * `fromSipJsLegacy`/`fromPjsip` statics, and it follows the `sipkit` registration profile or the
 * `profile` object of its options, so a browser bundle carries neither `@sipkit/config`'s
 * adapters nor the other profiles. Node transports are in `@sipkit/ua/node`, as for the main entry.
 *
 * ```ts
 * import { UserAgent } from '@sipkit/ua/core';
 * const ua = new UserAgent(config); // config: a UserAgentConfig with profile 'sipkit'
 * await ua.start();
 * ```
 * @packageDocumentation
 */

export type {
  RegistrationResult,
  RegistrationState,
  StateChange,
  UnregisterResult,
} from '@sipkit/registerer/core';
export { credentialsFromConfig, DigestAuthenticator } from './authenticator.js';
export { UserAgentError, type UserAgentErrorCode } from './errors.js';
export { ALLOWED_METHODS, answerRequest, RequestHandler, SUPPORTED } from './request-handler.js';
export {
  SipStack,
  type SipStackEvents,
  type SipStackOptions,
  type SipStackState,
  type StackMember,
  type StackViaOptions,
} from './sip-stack.js';
export { TimerQueue } from './timer-queue.js';
export {
  serverEndpoint,
  type TransportContext,
  type TransportFactory,
  webSocketTransportFactory,
  webSocketUrl,
} from './transport-factory.js';
export {
  type SipTrace,
  UserAgent,
  type UserAgentEvents,
  type UserAgentOptions,
  type UserAgentState,
} from './user-agent.js';
export { type IdentityOverride, withIdentity } from './with-identity.js';
