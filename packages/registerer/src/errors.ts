import type { AuthenticationError } from '@sipkit/digest';
import type { SipResponse } from '@sipkit/parser';

/** Stable codes of {@link RegistrationError}. */
export type RegistrationErrorCode =
  /** A final non-2xx response the profile does not recover from immediately. */
  | 'REJECTED'
  /**
   * A 401/407 that could not be answered, or came back for the authenticated request;
   * `authError` says why when it is known.
   */
  | 'AUTH_FAILED'
  /** 423 that the profile could not resolve (no Min-Expires, or not larger than the request). */
  | 'INTERVAL_TOO_BRIEF'
  /** A 408: the registrar answered 408 or the transaction timed out. */
  | 'TIMEOUT'
  /** The sender failed, or the transport went away while the request was in flight. */
  | 'TRANSPORT'
  /** A 2xx that does not list our binding and the profile does not accept it. */
  | 'NO_BINDING'
  /** A request is in flight and the profile forbids overlapping calls (SIP.js `RequestPendingError`). */
  | 'REQUEST_PENDING'
  /** An unregister (or stop) superseded this registration. */
  | 'SUPERSEDED'
  /** The registerer is stopped. */
  | 'STOPPED'
  /** An option is invalid for the chosen profile. */
  | 'INVALID_OPTIONS';

/** The error a failed {@link Registerer.register} rejects with. */
export class RegistrationError extends Error {
  /** Always `RegistrationError`. */
  override readonly name = 'RegistrationError';
  constructor(
    /** Stable code to branch on. */
    readonly code: RegistrationErrorCode,
    message: string,
    /** The final response, when one arrived. */
    readonly response?: SipResponse,
    /** Clock time (ms) of the automatic retry the profile scheduled, if any. */
    readonly nextRetryAt?: number,
    /**
     * With `AUTH_FAILED`: why the challenge was not answered, with a stable `code` of its own
     * (`no-supported-algorithm`, `realm-mismatch`, `rejected-credentials`, ...); also the `cause`.
     * Never holds a secret.
     */
    readonly authError?: AuthenticationError,
    /** What went wrong underneath (`authError`, or what a custom authenticator threw). */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }

  /** The status code of {@link response}, if any. */
  get status(): number | undefined {
    return this.response?.status;
  }
}

/** Maps a final failure status to an error code. */
export function codeForStatus(status: number): RegistrationErrorCode {
  if (status === 401 || status === 407) return 'AUTH_FAILED';
  if (status === 423) return 'INTERVAL_TOO_BRIEF';
  if (status === 408) return 'TIMEOUT';
  return 'REJECTED';
}
