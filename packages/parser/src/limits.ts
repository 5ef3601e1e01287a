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

/**
 * `limits` with each limit it leaves out, or gives as `undefined`, at its default: a spread
 * would let an explicit `undefined` switch that limit off.
 */
export function withDefaults(limits: Partial<ParseLimits>): ParseLimits {
  return {
    maxMessageBytes: limits.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes,
    maxHeaders: limits.maxHeaders ?? DEFAULT_LIMITS.maxHeaders,
    maxLineLength: limits.maxLineLength ?? DEFAULT_LIMITS.maxLineLength,
  };
}
