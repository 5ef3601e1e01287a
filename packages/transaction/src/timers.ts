/** The three base values every RFC 3261 timer is derived from, in milliseconds. */
export interface TimerSettings {
  /** RTT estimate (RFC 3261 default 500 ms). */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses (default 4 s). */
  t2: number;
  /** Maximum time a message stays in the network (default 5 s). */
  t4: number;
}

/** RFC 3261 section 17 defaults. */
export const DEFAULT_TIMER_SETTINGS: Readonly<TimerSettings> = Object.freeze({ t1: 500, t2: 4000, t4: 5000 });

/**
 * Every timer of RFC 3261 Table 4 and RFC 6026 (L, M), resolved for one transport. Wait timers
 * (D, I, J, K) are zero on reliable transports because there are no retransmissions to absorb.
 */
export interface TimerValues {
  /** INVITE request retransmit start (doubles without cap). */
  A: number;
  /** INVITE client transaction timeout. */
  B: number;
  /** Wait for response retransmissions after ACK for a non-2xx final. */
  D: number;
  /** Non-INVITE request retransmit start (doubles up to T2). */
  E: number;
  /** Non-INVITE client transaction timeout. */
  F: number;
  /** INVITE final response retransmit start (doubles up to T2). */
  G: number;
  /** Wait for ACK. */
  H: number;
  /** Wait for ACK retransmissions. */
  I: number;
  /** Wait for non-INVITE request retransmissions. */
  J: number;
  /** Wait for non-INVITE response retransmissions. */
  K: number;
  /** RFC 6026: INVITE server waits in Accepted for request retransmissions and ACKs. */
  L: number;
  /** RFC 6026: INVITE client waits in Accepted for 2xx retransmissions from other forks. */
  M: number;
  /** Cap on retransmit intervals (T2). */
  T2: number;
}

/** The default tables for unreliable and reliable transports, shared by every layer using them. */
let defaults: [Readonly<TimerValues>, Readonly<TimerValues>] | undefined;

/**
 * {@link timerValues} of {@link DEFAULT_TIMER_SETTINGS}: one frozen table per kind of transport
 * for the whole process, not a copy per transaction layer (a population with one socket per user
 * agent has a layer each).
 */
export function defaultTimerValues(reliable: boolean): Readonly<TimerValues> {
  defaults ??= [
    Object.freeze(timerValues(DEFAULT_TIMER_SETTINGS, false)),
    Object.freeze(timerValues(DEFAULT_TIMER_SETTINGS, true)),
  ];
  return defaults[reliable ? 1 : 0];
}

/** Resolves the timer table for a transport; `reliable` zeroes D, I, J and K. */
export function timerValues(settings: TimerSettings, reliable: boolean): TimerValues {
  const { t1, t2, t4 } = settings;
  return {
    A: t1,
    B: 64 * t1,
    // RFC 3261 says "at least 32 s" for D over unreliable transports, independent of T1.
    D: reliable ? 0 : Math.max(32_000, 64 * t1),
    E: t1,
    F: 64 * t1,
    G: t1,
    H: 64 * t1,
    I: reliable ? 0 : t4,
    J: reliable ? 0 : 64 * t1,
    K: reliable ? 0 : t4,
    L: 64 * t1,
    M: 64 * t1,
    T2: t2,
  };
}
