/** Bounds the parser enforces before doing any work proportional to them. */
export interface ParseLimits {
  /** Largest whole message in bytes (headers and body). */
  maxMessageBytes: number;
  /** Most header lines (after unfolding). */
  maxHeaders: number;
  /** Longest single header line or start line in characters (after unfolding). */
  maxLineLength: number;
}

/** Defaults that fit any real SIP message (RFC 3261 messages over UDP stay well under 64 KB). */
export const DEFAULT_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxMessageBytes: 65_535,
  maxHeaders: 256,
  maxLineLength: 16_384,
});
