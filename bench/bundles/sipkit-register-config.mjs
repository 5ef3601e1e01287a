/**
 * sipkit register-only with its config builder: the register-only bundle plus `sipkitConfig` of
 * `@sipkit/config`, which a browser app without a JsSIP / SIP.js configuration calls to build the
 * `UserAgentConfig` it hands to the `UserAgent`.
 */
export { sipkitConfig } from '@sipkit/config';
export { UserAgent } from '@sipkit/ua/core';
