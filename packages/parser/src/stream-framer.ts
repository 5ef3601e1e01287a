import { SipParseError } from './errors.js';
import { DEFAULT_LIMITS, type ParseLimits } from './limits.js';
import { findHeaderEnd } from './parse.js';

/** One thing found on a stream: a complete message's bytes, or an RFC 5626 keep-alive. */
export type StreamItem =
  | {
      /** A complete message. */
      kind: 'message';
      /** Its bytes (a copy), ready for {@link parseMessage} with `framing: 'stream'`. */
      bytes: Uint8Array;
    }
  | {
      /** CRLF CRLF: a keep-alive ping; answer it with a pong. */
      kind: 'ping';
    }
  | {
      /** A lone CRLF: the answer to our ping. */
      kind: 'pong';
    };

const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/gim;
const latin1 = new TextDecoder('latin1');

/**
 * Cuts a TCP/TLS byte stream into messages by Content-Length (RFC 3261 section 18.3) and
 * recognises RFC 5626 keep-alives between messages. Feed it chunks as they arrive; it copies
 * nothing it does not need to keep. A framing error is final for the connection: close it.
 */
export class StreamFramer {
  private buf: Uint8Array = new Uint8Array(0);
  private readonly limits: ParseLimits;

  constructor(limits: Partial<ParseLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Bytes held waiting for the rest of a message. */
  get pending(): number {
    return this.buf.length;
  }

  /** Adds a chunk and returns every complete item it finishes. Throws {@link SipParseError}. */
  push(chunk: Uint8Array): StreamItem[] {
    if (this.buf.length === 0) this.buf = chunk;
    else {
      const joined = new Uint8Array(this.buf.length + chunk.length);
      joined.set(this.buf, 0);
      joined.set(chunk, this.buf.length);
      this.buf = joined;
    }
    const items: StreamItem[] = [];
    let pos = 0;
    const b = this.buf;
    for (;;) {
      // Keep-alives: CRLFCRLF is a ping, a CRLF not followed by another is a pong.
      if (b[pos] === 13) {
        if (pos + 1 >= b.length) break;
        if (b[pos + 1] !== 10) throw new SipParseError('BAD_START_LINE', 'stray CR between messages', pos);
        if (b[pos + 2] === 13) {
          if (pos + 3 >= b.length) break;
          if (b[pos + 3] !== 10)
            throw new SipParseError('BAD_START_LINE', 'stray CR between messages', pos + 2);
          items.push({ kind: 'ping' });
          pos += 4;
        } else {
          items.push({ kind: 'pong' });
          pos += 2;
        }
        continue;
      }
      if (pos >= b.length) break;
      const end = findHeaderEnd(b, pos);
      if (end < 0) {
        if (b.length - pos > this.limits.maxMessageBytes) {
          throw new SipParseError('TOO_LARGE', 'header section too large', pos);
        }
        break;
      }
      const head = latin1.decode(b.subarray(pos, end));
      CL_RE.lastIndex = 0;
      const m = CL_RE.exec(head);
      if (!m) throw new SipParseError('BAD_CONTENT_LENGTH', 'Content-Length required on a stream', end);
      // Two lengths that disagree (RFC 4475 3.3.9): no way to tell where the next message starts.
      for (let o = CL_RE.exec(head); o; o = CL_RE.exec(head))
        if (Number(o[1]) !== Number(m[1]))
          throw new SipParseError('BAD_CONTENT_LENGTH', 'conflicting Content-Length headers', end);
      const total = end + 4 - pos + Number(m[1]);
      if (total > this.limits.maxMessageBytes) throw new SipParseError('TOO_LARGE', 'message too large', pos);
      if (b.length - pos < total) break;
      items.push({ kind: 'message', bytes: b.slice(pos, pos + total) });
      pos += total;
    }
    this.buf = pos === 0 ? b : b.slice(pos);
    return items;
  }
}
