import type { NameAddr, SipResponse } from '@sipkit/parser';

/** GRUUs the registrar assigned (RFC 5627), quotes removed. */
export interface Gruu {
  /** Public GRUU (`pub-gruu`). */
  pub?: string;
  /** Temporary GRUU (`temp-gruu`). */
  temp?: string;
}

/** What a successful registration learned. */
export interface RegistrationResult {
  /** Granted expiry in seconds. */
  expires: number;
  /** Clock time (ms) of the scheduled refresh, if any. */
  refreshAt?: number;
  /** Our binding as the registrar listed it. */
  binding?: NameAddr;
  /** The GRUUs known after this 2xx. */
  gruu: Gruu;
  /** Service-Route values of the 2xx (RFC 3608), to use as route set for later requests. */
  serviceRoute: string[];
  /** Path values echoed in the 2xx (RFC 3327). */
  path: string[];
  /** True when the 2xx says `Require: outbound` (RFC 5626 in effect). */
  outbound: boolean;
  /** The 2xx itself. */
  response: SipResponse;
}

/** What {@link Registerer.unregister} did. */
export interface UnregisterResult {
  /** False when the profile sent nothing (e.g. JsSIP while not registered). */
  sent: boolean;
  /** The final response to the un-REGISTER. */
  response?: SipResponse;
}
