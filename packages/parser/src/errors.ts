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
 * The only error the parser throws. `header` names the header whose value failed, when there is
 * one. `position`: for an error of {@link parseMessage} (no `header`, or a Content-Length one), a
 * byte offset into the bytes it was given (leading CRLFs and multi-byte characters counted); for
 * a header value, an offset into that value as a string (typed access, the value parsers).
 *
 * Building refuses what could not be read back with the code this parser would give the bytes
 * (`BAD_HEADER`, `BAD_VALUE`, `BAD_METHOD`, `BAD_URI`, `BAD_STATUS`, `BAD_START_LINE`), position
 * in the value given: CR or LF in a header value or quoted string, a name or method that is not a
 * token, a status code that is not an integer from 100 to 699, a control character in a reason
 * phrase. So a message built here cannot smuggle in a header line.
 */
export class SipParseError extends Error {
  /** Always `'SipParseError'`, so logs and `error.name` checks tell it apart. */
  override readonly name = 'SipParseError';
  constructor(
    /** Stable machine-readable reason. */
    readonly code: SipParseErrorCode,
    message: string,
    /** Offset of the offending character (see the class comment for what it counts), or -1 when not applicable. */
    readonly position = -1,
    /** Header whose value was being parsed, lower-case long form. */
    readonly header?: string,
  ) {
    super(header ? `${header}: ${message}` : message);
  }
}
