import { utf8Encoder } from './codecs.js';
import { SipParseError } from './errors.js';
import type { SipMessage } from './message.js';
import { NOT_TOKEN, refuse } from './scanner.js';

/**
 * The start line of a message (`INVITE sip:bob@example.com SIP/2.0` or `SIP/2.0 200 OK`).
 * Throws {@link SipParseError} for a line {@link parseMessage} would refuse (position in the
 * line): a method that is not a token (`BAD_METHOD`), a URI with white space, a control
 * character, `"`, `<` or `>`, or a host that is not a host (`BAD_URI`), a status that is not an
 * integer from 100 to 699 (`BAD_STATUS`), or a reason phrase with a control character other than HTAB, CR and LF
 * included (`BAD_START_LINE`).
 */
export function startLine(msg: SipMessage): string {
  if (msg.kind === 'response') {
    // RFC 3261 section 7.2, 25.1: Status-Code is 3DIGIT, first digit 1 to 6, as parseMessage reads it.
    const { status } = msg;
    if (!(Number.isInteger(status) && status >= 100 && status <= 699))
      throw new SipParseError('BAD_STATUS', 'status code must be an integer 100 to 699', 8);
    refuse(msg.reason, /[\x00-\x08\x0a-\x1f]/, 'BAD_START_LINE', 'control character in reason phrase', 12);
    return `SIP/2.0 ${msg.status} ${msg.reason}`;
  }
  const { method } = msg;
  refuse(method, NOT_TOKEN, 'BAD_METHOD', 'method is not a token');
  let uri: string;
  try {
    uri = String(msg.uri);
  } catch (e) {
    // A URI that refuses to be written (a host that is not one): the position in this line.
    if (e instanceof SipParseError)
      throw new SipParseError(e.code, e.message, e.position + method.length + 1);
    throw e;
  }
  refuse(uri, /[\x00- \x7f"<>]/, 'BAD_URI', 'white space or delimiter inside URI', method.length + 1);
  return `${method} ${uri} SIP/2.0`;
}

/**
 * Header section as text, ending with the blank line. Content-Length always states the body's
 * byte length: it replaces any written value in place, or is appended.
 */
export function headerText(msg: SipMessage): string {
  let out = `${startLine(msg)}\r\n`;
  let wroteLength = false;
  let i = 0;
  for (const [name, value] of msg.headers.entries()) {
    if (msg.headers.keyAt(i++) === 'content-length') {
      if (wroteLength) continue;
      wroteLength = true;
      out += `${name}: ${msg.body.length}\r\n`;
    } else out += `${name}: ${value}\r\n`;
  }
  if (!wroteLength) out += `Content-Length: ${msg.body.length}\r\n`;
  return `${out}\r\n`;
}

/** Serialises a message to the bytes that go on the wire. */
export function serialize(msg: SipMessage): Uint8Array {
  const head = utf8Encoder.encode(headerText(msg));
  if (msg.body.length === 0) return head;
  const out = new Uint8Array(head.length + msg.body.length);
  out.set(head, 0);
  out.set(msg.body, head.length);
  return out;
}
