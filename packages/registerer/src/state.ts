import type { AuthenticationError } from '@sipkit/digest';
import type { SipResponse } from '@sipkit/parser';

/**
 * Where a {@link Registerer} is.
 * - `unregistered`: no binding (initial, after an un-REGISTER, after a local expiry or a lost transport).
 * - `registering`: a first registration is scheduled or in flight (refreshes stay `registered`).
 * - `registered`: the registrar accepted our binding.
 * - `retry-wait`: the last attempt failed and the profile scheduled a retry (`nextAt`).
 * - `rejected`: the last attempt failed and nothing is scheduled; `register()` (or, for some
 *   profiles, a transport reconnect) tries again.
 * - `unregistering`: an un-REGISTER is in flight.
 * - `stopped`: final; no timer, no request.
 */
export type RegistrationState =
  | 'unregistered'
  | 'registering'
  | 'registered'
  | 'retry-wait'
  | 'rejected'
  | 'unregistering'
  | 'stopped';

/** Why the state changed (or why a `registered` state was renewed). */
export type StateChangeReason =
  /** `register()` was called. */
  | 'register'
  /** The registrar accepted the first REGISTER. */
  | 'registered'
  /** A refresh was accepted (state stays `registered`). */
  | 'refreshed'
  /** A final failure response (see `code`). */
  | 'failed'
  /** A retry timer fired and a REGISTER went out. */
  | 'retry'
  /** A 2xx that did not list our binding. */
  | 'no-binding'
  /** The local expiry timer fired before a refresh succeeded. */
  | 'expired'
  /** `unregister()` was called. */
  | 'unregister'
  /** The un-REGISTER finished (any final response). */
  | 'unregistered'
  /** The transport went down. */
  | 'transport-disconnected'
  /** The transport came back and the profile re-registers. */
  | 'transport-connected'
  /** The RFC 5626 flow failed and the profile re-registers. */
  | 'flow-failed'
  /** `stop()` or `dispose()`. */
  | 'stopped';

/** Payload of the `state` event. */
export interface StateChange {
  /** The state now. */
  state: RegistrationState;
  /** The state before (equal to `state` on a refresh). */
  previous: RegistrationState;
  /** Why it changed. */
  reason: StateChangeReason;
  /** Status code of the response behind the change, if any. */
  code?: number;
  /** Granted expiry in seconds (after a 2xx; NaN only in the SIP.js 0.21 quirk). */
  expires?: number;
  /** Clock time (ms) of the next refresh or retry, when one is scheduled. */
  nextAt?: number;
  /** SIP.js 0.21 exposes Retry-After of a 500/503 this way; other profiles act on it themselves. */
  retryAfter?: number;
  /** The response behind the change, if any. */
  response?: SipResponse;
  /**
   * After a 401/407 that ended the attempt: why it was not answered (its `code`), when known.
   * Never holds a secret.
   */
  authError?: AuthenticationError;
}

/** Events of a {@link Registerer}. */
export interface RegistererEvents {
  /** The state changed, or a refresh renewed `registered` (then `previous === state`). */
  state: (change: StateChange) => void;
}
