import type { SipRequest, SipResponse } from '@sipkit/parser';

/** Opaque handle returned by {@link Clock.setTimeout}. Same shape as `@sipkit/transport`'s. */
export type TimerHandle = unknown;

/**
 * Time as the registerer sees it; structurally identical to `Clock` in `@sipkit/transport`, so
 * `systemClock` or a `VirtualClock` can be passed without this package importing the transport.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Calls `fn` after `ms`; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer that has not fired. */
  clearTimeout(handle: TimerHandle): void;
}

/** A source of random bytes; structurally identical to `RandomSource` in `@sipkit/transport`. */
export type RandomSource = (length: number) => Uint8Array;

/** The local end of the flow a REGISTER goes out on; used to build the Contact. */
export interface LocalInfo {
  /** Host for the Contact: an IP address, a name, or the `<random>.invalid` host of a WebSocket UA. */
  host: string;
  /** Port for the Contact (0 on WebSocket). */
  port: number;
  /** Transport token, any case: `udp`, `tcp`, `tls`, `ws`, `wss`. */
  transport: string;
}

/**
 * How the registerer sends a REGISTER. The UA wires this to the transaction layer, which adds
 * the Via (with a new branch) and resolves with the FINAL response: a transaction timeout arrives
 * as a synthesised 408, a transport error as a synthesised 503 (RFC 3261 section 8.1.3.1), and
 * DNS failover between targets has already happened. Provisional responses are not reported.
 */
export interface RegisterSender {
  /** Sends `request` in a new transaction; resolves with the final response (never rejects for a timeout). */
  send(request: SipRequest): Promise<SipResponse>;
  /** Where the next request will leave from; read each time a Contact is built. */
  readonly local: LocalInfo;
  /**
   * Optional: calls `begin` (a REGISTER that a reconnect or a failed flow calls for) in the
   * registerer's turn, `key` being the registerer. A sender shared by many registerers paces
   * them, so that one reconnect does not send thousands of REGISTERs at once; `begin` resolves
   * once that registration has settled. Without it they are sent at once.
   */
  admit?(key: object, begin: () => Promise<unknown>): void;
}

/**
 * Answers a digest (or Bearer) challenge. Adds `Authorization` / `Proxy-Authorization` to
 * `request` and returns true; when it cannot answer (no credentials, algorithm not supported,
 * the same nonce rejected twice) it rejects with an `AuthenticationError` saying why, which the
 * registerer hands on as `authError` (returning false works too, without a reason). How many
 * times it is asked per REGISTER is the profile's choice.
 */
export interface Authenticator {
  /**
   * Adds credentials answering `challenge` to `request` (built without the credentials of the
   * challenged kind); rejects (or returns false) when it cannot. `challenged` is the request the
   * challenge answers, as sent: a Bearer token it carried was refused, so a new one is needed.
   */
  authorize(
    challenge: SipResponse,
    request: SipRequest,
    policy?: DigestPolicy,
    challenged?: SipRequest,
  ): boolean | Promise<boolean>;
  /**
   * Optional: adds credentials from the challenge answered last (the same nonce with the next
   * nonce count, RFC 7616 section 3.4.5), so the request need not be challenged; false when
   * there is nothing to answer with. Used by profiles with `preemptiveAuthorization`.
   */
  preauthorize?(request: SipRequest): boolean;
}

/**
 * How the profile's anchor answers challenges, handed to the {@link Authenticator} so a digest
 * client can reproduce it (the registerer itself never computes digests).
 */
export interface DigestPolicy {
  /** Algorithms answered, most preferred first (`MD5`, `SHA-256`, `SHA-512-256`, ...). */
  algorithms: readonly string[];
  /** qop values in order of preference when the challenge offers several. */
  qop: readonly ('auth' | 'auth-int')[];
  /**
   * `first`: only the first WWW/Proxy-Authenticate header is considered (JsSIP, SIP.js);
   * `first-supported-per-realm`: per realm, the first header with a supported algorithm (RFC 8760, Asterisk).
   */
  challenges: 'first' | 'first-supported-per-realm';
}

/** An injected logger. Never receives credentials: only status codes, states and timings. */
export interface Logger {
  /** Detail: every state change. */
  debug?(message: string, data?: Record<string, unknown>): void;
  /** Failures the profile handles (a rejected REGISTER, a 423). */
  info?(message: string, data?: Record<string, unknown>): void;
  /** Something went wrong outside the protocol (a sender or listener threw). */
  warn?(message: string, data?: Record<string, unknown>): void;
}
