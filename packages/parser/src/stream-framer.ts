import { SipParseError } from './errors.js';
import { DEFAULT_LIMITS, type ParseLimits } from './limits.js';
import { findHeaderEnd } from './parse.js';
import { trimLws } from './scanner.js';

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

/** Options for {@link StreamFramer}. */
export interface StreamFramerOptions {
  /**
   * This end sends RFC 5626 CRLFCRLF pings on the connection, so a lone CRLF from the peer is its
   * pong, reported as soon as it arrives. Without it (the default) a CRLF that ends a chunk is held
   * until the next bytes tell whether it is the first half of a ping: a stream cut anywhere then
   * gives the same items.
   */
  pinging?: boolean;
}

const FOLD_RE = /\r\n[ \t]+/g;
const latin1 = new TextDecoder('latin1');
const NOTHING = new Uint8Array(0);

/**
 * Cuts a TCP/TLS byte stream into messages by Content-Length (RFC 3261 section 18.3) and
 * recognises RFC 5626 keep-alives between messages. Feed it chunks as they arrive: a chunk is
 * read where it is, and only the start of a message not yet complete is copied to be kept; each
 * byte is looked at once however small the chunks. A framing error is final for the connection:
 * close it. Error positions are offsets into the message (or keep-alive) being framed.
 */
export class StreamFramer {
  /** The start of an item not yet complete: the first `#held` bytes of `#buf`. */
  #buf: Uint8Array = NOTHING;
  #held = 0;
  /** How many held bytes were searched for the header end and hold none. */
  #scanned = 0;
  /** The held message's size once its header section is complete, else -1. */
  #size = -1;
  /** The largest message (`maxMessageBytes`, the one limit that framing applies). */
  readonly #max: number;
  #pinging: boolean;

  constructor(limits: Partial<ParseLimits> = {}, options: StreamFramerOptions = {}) {
    this.#max = limits.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes;
    this.#pinging = !!options.pinging;
  }

  /** This end has started pinging (see {@link StreamFramerOptions.pinging}): a lone CRLF is a pong from now on. */
  startPinging(): void {
    this.#pinging = true;
  }

  /** Bytes held waiting for the rest of a message. */
  get pending(): number {
    return this.#held;
  }

  /** Adds a chunk and returns every complete item it finishes. Throws {@link SipParseError}. */
  push(chunk: Uint8Array): StreamItem[] {
    // With nothing held the chunk is read where it is; else it joins the held bytes in a buffer
    // grown to twice what it must hold, so each byte is copied a bounded number of times.
    let b = chunk;
    let end = chunk.length;
    if (this.#held > 0) {
      end += this.#held;
      if (end > this.#buf.length) {
        b = new Uint8Array(2 * end);
        b.set(this.#buf.subarray(0, this.#held));
        this.#buf = b;
      }
      b = this.#buf;
      b.set(chunk, this.#held);
    }
    const max = this.#max;
    const items: StreamItem[] = [];
    let pos = 0;
    for (;;) {
      let size = this.#size;
      if (size < 0) {
        const left = end - pos;
        if (left === 0) break;
        // Keep-alives: CRLFCRLF is a ping, a CRLF not followed by another is a pong.
        if (b[pos] === 13) {
          const ping = b[pos + 2] === 13;
          if (left < 2) break;
          if (b[pos + 1] !== 10 || (ping && left > 3 && b[pos + 3] !== 10))
            throw new SipParseError('BAD_START_LINE', 'stray CR between messages', 0);
          // Wait for the rest of a ping; and a CRLF that ends the bytes may be half of one, unless
          // this end pings (then it is a pong, to be reported now).
          if (left < (ping ? 4 : this.#pinging ? 2 : 3)) break;
          items.push({ kind: ping ? 'ping' : 'pong' });
          pos += ping ? 4 : 2;
          continue;
        }
        // Go on where the last search stopped, 3 bytes back for a CRLFCRLF cut in two.
        const headEnd = findHeaderEnd(b.subarray(0, end), pos + Math.max(0, this.#scanned - 3));
        if (headEnd < 0) {
          if (left > max) throw new SipParseError('TOO_LARGE', 'message too large', 0);
          this.#scanned = left;
          break;
        }
        size = headEnd + 4 - pos + contentLength(b, pos, headEnd);
        if (size > max) throw new SipParseError('TOO_LARGE', 'message too large', 0);
        this.#size = size;
      }
      if (end - pos < size) break;
      items.push({ kind: 'message', bytes: b.slice(pos, pos + size) });
      pos += size;
      this.#size = -1;
      this.#scanned = 0;
    }
    // Hold what is left (a copy, at the start of the buffer); let go of the buffer when nothing is.
    this.#held = end - pos;
    if (this.#held === 0) this.#buf = NOTHING;
    else if (b === this.#buf) {
      if (pos > 0) b.copyWithin(0, pos, end);
    } else {
      this.#buf = new Uint8Array(Math.max(2 * this.#held, 4096));
      this.#buf.set(b.subarray(pos, end));
    }
    return items;
  }
}

/**
 * The Content-Length of the header section `b` from `from` to `to`, as {@link parseMessage}
 * with `framing: 'stream'` reads it: folded lines joined, and the stream refused when the header
 * is missing, is not a number, or two of them disagree.
 */
function contentLength(b: Uint8Array, from: number, to: number): number {
  const head = latin1.decode(b.subarray(from, to)).replace(FOLD_RE, ' ');
  let length = -1;
  // Lines end at CRLF only, as the parser's do (it refuses a bare CR or LF): a line that hides
  // a Content-Length behind a bare CR is one line here too, so framer and parser agree on
  // where the message ends. Plain scans, no backtracking expression: a value of 60,000 spaces
  // cost a lazy `(.*?)[ \t]*$` seconds.
  for (let start = head.indexOf('\r\n') + 2; start > 1 && start < head.length; ) {
    let end = head.indexOf('\r\n', start);
    if (end < 0) end = head.length;
    const v = contentLengthValue(head, start, end);
    start = end + 2;
    if (v === undefined) continue;
    // RFC 3261 section 20.14: 1*DIGIT, so a negative length (RFC 4475 3.1.2.3) is invalid.
    if (!/^\d+$/.test(v))
      throw new SipParseError('BAD_CONTENT_LENGTH', `bad Content-Length '${v}'`, to - from, 'content-length');
    const n = Number(v);
    if (length >= 0 && n !== length)
      throw new SipParseError('BAD_CONTENT_LENGTH', 'conflicting Content-Length headers', to - from);
    length = n;
  }
  if (length < 0)
    throw new SipParseError('BAD_CONTENT_LENGTH', 'Content-Length required on a stream', to - from);
  return length;
}

/** The value (space and tab trimmed) of the line `head[start, end)` if it is a Content-Length (or `l`) line. */
function contentLengthValue(head: string, start: number, end: number): string | undefined {
  // Searched within the line: a search of `head` from `start` could run on past many lines.
  const line = head.slice(start, end);
  const colon = line.indexOf(':');
  if (colon < 0) return undefined;
  const name = trimLws(line.slice(0, colon));
  if (name.length !== 1 && name.length !== 14) return undefined;
  const lower = name.toLowerCase();
  if (lower !== 'l' && lower !== 'content-length') return undefined;
  return trimLws(line.slice(colon + 1));
}
