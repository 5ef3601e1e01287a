import { SipParseError } from './errors.js';
import { canonicalName } from './header-names.js';
import { SINGLE_VALUED } from './header-types.js';
import type { SipMessage } from './message.js';

/** Why a message that parsed must still be refused (the answer a transaction layer sends). */
export interface MessageProblem {
  /** Always 400 Bad Request here; scheme, extension and hop checks are the transaction layer's. */
  status: 400;
  /** Reason phrase to send (`Missing Call-ID`, `Malformed Via`, ...). */
  reason: string;
  /** Header at fault, lower-case long form. */
  header?: string;
  /** The parse error behind the problem, when a header value is malformed. */
  error?: SipParseError;
}

/** Mandatory in requests and responses alike (RFC 3261 section 8.1.1, 8.2.6.2). */
const REQUIRED = ['via', 'from', 'to', 'call-id', 'cseq'] as const;

/**
 * Checks what parsing leaves lazy: every known header value parses, mandatory headers are
 * present (RFC 3261 section 8.1.1; Max-Forwards is tolerated missing for RFC 2543 peers),
 * single-valued headers appear once (RFC 4475 3.3.8, 3.3.9), and a request's CSeq method is
 * its method (RFC 4475 3.1.2.17). Returns undefined when the message is acceptable.
 */
export function validateMessage(msg: SipMessage): MessageProblem | undefined {
  const h = msg.headers;
  for (const key of REQUIRED) {
    if (!h.has(key)) return { status: 400, reason: `Missing ${canonicalName(key)}`, header: key };
  }
  for (const key of SINGLE_VALUED) {
    if (h.count(key) > 1) {
      const values = h.getAll(key);
      // Repeating the identical value is harmless except where it is framing-relevant.
      if (key === 'content-length' || values.some((v) => v !== values[0])) {
        return { status: 400, reason: `Conflicting ${canonicalName(key)} headers`, header: key };
      }
    }
  }
  try {
    h.validate();
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return {
      status: 400,
      reason: `Malformed ${e.header ? canonicalName(e.header) : 'header'}`,
      header: e.header,
      error: e,
    };
  }
  if (h.typed('call-id').length !== 1 || h.typed('cseq').length !== 1) {
    return { status: 400, reason: 'Multiple values in a single-valued header', header: 'cseq' };
  }
  if (msg.kind === 'request' && msg.cseq!.method !== msg.method) {
    return { status: 400, reason: 'CSeq method does not match request method', header: 'cseq' };
  }
  return undefined;
}
