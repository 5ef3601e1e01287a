/** Stable codes of {@link UserAgentError}. */
export type UserAgentErrorCode =
  | 'UNSUPPORTED_TRANSPORT'
  | 'NO_SERVER'
  | 'NOT_STARTED'
  | 'STOPPED'
  | 'INVALID_CREDENTIALS'
  /** A user agent was given a {@link SipStack} that is not started (or already stopped). */
  | 'STACK_NOT_STARTED'
  /** A user agent's config names servers other than its {@link SipStack}'s. */
  | 'STACK_MISMATCH'
  /** The `UserAgent` of `@sipkit/ua/core` got a config naming a profile it was not given as an object. */
  | 'UNSUPPORTED_PROFILE';

/** A user agent operation that cannot go on, with a stable `code`. */
export class UserAgentError extends Error {
  /** Always `UserAgentError`. */
  override readonly name = 'UserAgentError';
  constructor(
    /** Stable code to branch on. */
    readonly code: UserAgentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
