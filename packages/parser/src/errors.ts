/** Stable codes carried by {@link SipParseError}. */
export type SipParseErrorCode =
  | 'EMPTY'
  | 'TOO_LARGE'
  | 'TOO_MANY_HEADERS'
  | 'LINE_TOO_LONG'
  | 'BAD_START_LINE'
  | 'BAD_VERSION'
  | 'BAD_STATUS'
  | 'BAD_METHOD'
  | 'BAD_URI'
  | 'BAD_HEADER'
  | 'NO_HEADER_END'
  | 'BAD_CONTENT_LENGTH'
  | 'TRUNCATED_BODY'
  | 'BAD_ENCODING'
  | 'BAD_VALUE';

/**
 * The only error the parser throws. `position` is a character offset into the text being parsed
 * (the whole message for framing errors, the header value for value errors); `header` names the
 * header whose value failed, when there is one.
 */
export class SipParseError extends Error {
  /** Always `'SipParseError'`, so logs and `error.name` checks tell it apart. */
  override readonly name = 'SipParseError';
  constructor(
    /** Stable machine-readable reason. */
    readonly code: SipParseErrorCode,
    message: string,
    /** Offset of the offending character, or -1 when not applicable. */
    readonly position = -1,
    /** Header whose value was being parsed, lower-case long form. */
    readonly header?: string,
  ) {
    super(header ? `${header}: ${message}` : message);
  }
}
