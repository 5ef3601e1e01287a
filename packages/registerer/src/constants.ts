// The registerer's numbers, alone in a module that imports nothing: esbuild then writes their
// values where they are used (it inlines the leading constants of such a module) instead of
// keeping a variable for each.

/** More immediate 423 resends than this in one attempt stop the loop (JsSIP would loop forever). */
export const MAX_INTERVAL_RESENDS = 20;
/** 494 resends with Security-Verify per request (profiles with `on494: 'resend'`). */
export const MAX_AGREEMENT_RESENDS = 3;
/**
 * Least time (ms) from the start of one REGISTER to a refresh or retry its outcome schedules. The
 * source systems refresh or retry at once in some cases (Asterisk: E ≤ 10 and 494; SIP.js: a
 * granted expiry of 0 or NaN; JsSIP: an unreadable one), which against such a registrar is a
 * loop on the spot; this bounds it to one REGISTER a second.
 */
export const MIN_REGISTER_GAP_MS = 1000;

// Bits of Registerer.flags (the registerer's yes/no fields, as one number).
/** The Contact user was drawn by the profile rather than configured. */
export const USER_IS_RANDOM = 1;
/** The registrar answered a preemptive Authorization with a fresh challenge (not `stale`). */
export const PREEMPTIVE_REJECTED = 2;
/** The user wants a binding (register() called, not unregistered or stopped). */
export const WANTED = 4;
/** SIP.js 0.21 quirk: a contactless 2xx leaves `waiting` set forever. */
export const STUCK = 8;
/** A 439 said the first hop cannot keep an RFC 5626 flow: no `reg-id` any more. */
export const OUTBOUND_OFF = 16;
/**
 * The public GRUU is the AOR with `gr=urn:uuid:<instance id>` (RFC 5627 section 3.2's suggested
 * construction, which Kamailio and the development registrar use): rebuilt when read rather
 * than kept, some 90 bytes less per registered user agent.
 */
export const PUB_GRUU_DERIVED = 32;
/**
 * dispose() ran: the response to a request still in flight then is ignored (no request starts
 * after it: `stopped` is final).
 */
export const DISPOSED = 64;
/** Asterisk: a reliable transport closed while registered; REGISTER again once it is back. */
export const REREGISTER_ON_CONNECT = 128;
