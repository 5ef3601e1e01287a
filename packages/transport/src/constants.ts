// Numbers of the transports, alone in a module that imports nothing: esbuild then writes each
// value where it is used instead of keeping a variable for it.

/** RFC 5626 section 4.4.1: a pong must arrive within 10 s of the ping. */
export const PONG_TIMEOUT_MS = 10_000;
/** WebSocket `readyState` of an open socket. */
export const OPEN = 1;
/** WebSocket `readyState` of a closed socket. */
export const CLOSED = 3;
