import {
  type FromPjsipOptions,
  fromJsSIP,
  fromPjsip,
  fromSipJs,
  fromSipJsLegacy,
  type JsSipConfig,
  type SipJsLegacyConfig,
  type SipJsRegistererOptions,
  type SipJsUserAgentOptions,
  type UserAgentConfig,
} from '@sipkit/config';
import { Registerer } from '@sipkit/registerer';
import type { CoreRegistererOptions, RegistrationProfile } from '@sipkit/registerer/core';
import { profileFromConfig } from './profile-from-config.js';
import { UserAgent as CoreUserAgent, type UserAgentOptions } from './user-agent.js';

/**
 * The reference sipkit user agent (see {@link CoreUserAgent}, which it extends), made from a
 * `UserAgentConfig` or straight from a JsSIP, SIP.js 0.7, SIP.js 0.21 or pjsip.conf
 * configuration, following whichever registration profile the config names. An app that builds
 * its `UserAgentConfig` itself and registers with one profile imports the `UserAgent` of
 * `@sipkit/ua/core` instead, and its bundle carries neither the adapters nor the other profiles.
 */
export class UserAgent extends CoreUserAgent {
  /** A user agent from a JsSIP `UA` configuration. */
  static fromJsSIP(config: JsSipConfig, options?: UserAgentOptions): UserAgent {
    return new UserAgent(fromJsSIP(config), options);
  }
  /** A user agent from a SIP.js 0.7 `SIP.UA` configuration (camelCase or snake_case). */
  static fromSipJsLegacy(config: SipJsLegacyConfig, options?: UserAgentOptions): UserAgent {
    return new UserAgent(fromSipJsLegacy(config), options);
  }
  /** A user agent from SIP.js 0.21 `UserAgentOptions` and `RegistererOptions`. */
  static fromSipJs(
    userAgentOptions: SipJsUserAgentOptions,
    registererOptions?: SipJsRegistererOptions,
    options?: UserAgentOptions,
  ): UserAgent {
    return new UserAgent(fromSipJs(userAgentOptions, registererOptions), options);
  }
  /** A user agent from an Asterisk pjsip.conf `type=registration` section. */
  static fromPjsip(text: string, pjsip?: FromPjsipOptions, options?: UserAgentOptions): UserAgent {
    return new UserAgent(fromPjsip(text, pjsip), options);
  }

  /** The `Registerer` of `@sipkit/registerer`, so `ua.registerer instanceof Registerer` holds for it. */
  protected override newRegisterer(options: CoreRegistererOptions): Registerer {
    return new Registerer(options);
  }

  /** Every built-in profile, by the config's name and parameters ({@link profileFromConfig}). */
  protected override registrationProfile(config: UserAgentConfig): RegistrationProfile {
    return profileFromConfig(config);
  }
}
