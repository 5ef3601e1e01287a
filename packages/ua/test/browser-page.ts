/**
 * The page script of `browser.interop.test.ts`, bundled for the browser from source: a sipkit
 * `UserAgent` from `@sipkit/ua/core` over the browser's own WebSocket, and `@sipkit/digest`'s
 * hashing, driven from the test through `globalThis.sipkitPage`. The config comes from
 * `sipkitConfig`, as a browser app that uses the core entry builds it (no config adapters).
 */
import { sipkitConfig, type UserAgentConfig } from '@sipkit/config';
import { type RegistrationState, UserAgent, type UserAgentState } from '@sipkit/ua/core';
import { type DigestInput, type DigestValues, digestValues } from './digest-values.js';

/** Who registers where: the test's Kamailio user and its WebSocket listener. */
export interface PageAccount {
  /** User part of the AOR, and the digest username. */
  user: string;
  /** Digest password (never logged, here or by sipkit). */
  password: string;
  /** Domain of the AOR, the registrar and the digest realm. */
  domain: string;
  /** `ws://host:port` of the registrar. */
  wsUrl: string;
}

/** What a registration attempt in the page ended with, as plain data for the test. */
export interface PageRegistration {
  /** The user agent's lifecycle state afterwards. */
  uaState: UserAgentState;
  /** The registerer's state afterwards. */
  state: RegistrationState | undefined;
  /** The Contact URI registered (or tried). */
  contact: string | undefined;
  /** Granted expiry in seconds, when registered. */
  expires?: number;
  /** The error `register()` rejected with, if it did. */
  error?: { name: string; code?: string; status?: number; authCode?: string; message: string };
}

/** What the page offers the test. */
export interface SipkitPage {
  /**
   * Stops the previous user agent, if any, then starts one for `account` and registers once;
   * resolves with the outcome either way.
   */
  register(account: PageAccount): Promise<PageRegistration>;
  /** Stops the user agent of the last {@link register} (un-REGISTERing it); resolves with its state. */
  stop(): Promise<UserAgentState | undefined>;
  /** Computes each input's digest values with `@sipkit/digest` in the page. */
  digest(inputs: DigestInput[]): DigestValues[];
}

/** A sipkit-profile config for `account` over its WebSocket, registering on request only. */
function configFor({ user, password, domain, wsUrl }: PageAccount): UserAgentConfig {
  return sipkitConfig({
    aor: `sip:${user}@${domain}`,
    password,
    servers: wsUrl,
    expires: 60,
    register: false,
    userAgent: 'sipkit browser interop test',
  });
}

let ua: UserAgent | undefined;

/** The error as plain data (a `RegistrationError` carries `code`, `status` and `authError.code`). */
function describeError(e: unknown): PageRegistration['error'] {
  const err = e as Error & { code?: string; status?: number; authError?: { code?: string } };
  return {
    name: err.name,
    message: err.message,
    ...(err.code === undefined ? {} : { code: err.code }),
    ...(err.status === undefined ? {} : { status: err.status }),
    ...(err.authError?.code === undefined ? {} : { authCode: err.authError.code }),
  };
}

const page: SipkitPage = {
  async register(account) {
    // One user agent at a time: a second register() must not leave the first one's binding.
    await ua?.stop();
    // The SIP trace goes to the console (sipkit redacts Authorization), which the test shows on failure.
    ua = new UserAgent(configFor(account), {
      logger: console,
      trace: (direction, text) => console.debug(`SIP ${direction}\n${text}`),
    });
    let outcome: Pick<PageRegistration, 'expires' | 'error'> = {};
    try {
      await ua.start();
      outcome = { expires: (await ua.register()).expires };
    } catch (e) {
      outcome = { error: describeError(e) };
    }
    return { uaState: ua.state, state: ua.registerer?.state, contact: ua.registerer?.contact, ...outcome };
  },
  async stop() {
    await ua?.stop();
    return ua?.state;
  },
  digest: (inputs) => inputs.map(digestValues),
};

(globalThis as { sipkitPage?: SipkitPage }).sipkitPage = page;
