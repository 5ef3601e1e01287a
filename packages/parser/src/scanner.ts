import { SipParseError, type SipParseErrorCode } from './errors.js';
import { TOKEN_CHARS } from './escape.js';

/** True when `code` is an RFC 3261 token character. */
export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_CHARS[code] === 1;
}

/**
 * True when `code` can be in an unquoted parameter value: a token (hostnames are tokens) or
 * IPv6 reference (`received`) character.
 */
function isValueChar(code: number): boolean {
  return isTokenChar(code) || code === 58 || code === 91 || code === 93;
}

/** Matches where `s` stops being an RFC 3261 token: its first other character, or an empty `s`. */
export const NOT_TOKEN = /[^\w!%'*+\-.`~]|^$/;

/** True when every character of `s` is a token character and `s` is not empty. */
export function isToken(s: string): boolean {
  return !NOT_TOKEN.test(s);
}

/**
 * A cursor over one header value. Header values reach it already unfolded, so linear white space
 * is only SP and HTAB here. Every failure is a {@link SipParseError} naming the position.
 */
export class Scanner {
  pos = 0;
  constructor(
    readonly text: string,
    readonly header?: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  fail(message: string, at = this.pos): never {
    throw new SipParseError('BAD_VALUE', message, at, this.header);
  }

  skipWs(): void {
    this.pos = skipWs(this.text, this.pos);
  }

  /** White space that must be there (`LWS` between two parts): fails when there is none. */
  lws(what: string): void {
    const at = this.pos;
    this.skipWs();
    if (this.pos === at) this.fail(`expected white space before ${what}`);
  }

  /** Consumes `ch` (with optional white space around it) if it is next; reports whether it was. */
  eat(ch: number): boolean {
    this.skipWs();
    if (this.peek() !== ch) return false;
    this.pos++;
    this.skipWs();
    return true;
  }

  expect(ch: number, what: string): void {
    if (!this.eat(ch)) this.fail(`expected ${what}`);
  }

  token(what = 'token'): string {
    const t = this.text;
    const start = this.pos;
    let p = start;
    while (p < t.length && isTokenChar(t.charCodeAt(p))) p++;
    if (p === start) this.fail(`expected ${what}`);
    this.pos = p;
    return t.slice(start, p);
  }

  /** A token, or the wider character set of hosts and IPv6 references (used for param values). */
  tokenOrHost(what = 'value'): string {
    const t = this.text;
    const start = this.pos;
    let p = start;
    while (p < t.length && isValueChar(t.charCodeAt(p))) p++;
    if (p === start) this.fail(`expected ${what}`);
    this.pos = p;
    return t.slice(start, p);
  }

  /** A quoted-string; returns the content with quoted-pairs resolved. */
  quoted(): string {
    const t = this.text;
    if (t.charCodeAt(this.pos) !== 34) this.fail('expected quoted string');
    const start = this.pos;
    let p = this.pos + 1;
    let out = '';
    let run = p;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c === 34) {
        out += t.slice(run, p);
        this.pos = p + 1;
        return out;
      }
      if (c === 92) {
        if (p + 1 >= t.length) break;
        out += t.slice(run, p);
        out += t[p + 1];
        p += 2;
        run = p;
        continue;
      }
      // CR and LF never survive unfolding; other control characters are not qdtext.
      if (c < 32 && c !== 9) this.fail('control character in quoted string', p);
      p++;
    }
    return this.fail('unterminated quoted string', start);
  }

  /** Digits as a non-negative integer no larger than `max`. */
  integer(max: number, what: string): number {
    const t = this.text;
    const start = this.pos;
    let p = start;
    let n = 0;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      if (n > max) this.fail(`${what} larger than ${max}`, start);
      p++;
    }
    if (p === start) this.fail(`expected ${what}`);
    this.pos = p;
    return n;
  }

  end(): void {
    this.skipWs();
    if (!this.done) this.fail(`unexpected '${this.text[this.pos]}'`);
  }
}

/** Index of the first character at or after `p` in `t` that is not SP or HTAB. */
export function skipWs(t: string, p: number): number {
  for (let c = t.charCodeAt(p); c === 32 || c === 9; c = t.charCodeAt(++p));
  return p;
}

/** True when `s` can be written unquoted as a parameter value (token, host or IPv6 reference). */
export function isTokenOrHost(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isValueChar(s.charCodeAt(i))) return false;
  return true;
}

/** Removes leading and trailing SP and HTAB only (String#trim would also eat U+FEFF and other spaces). */
export function trimLws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Splits a header value at top-level commas (outside quotes and angle brackets). */
export function splitTopLevel(value: string, header?: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 92) i++;
      else if (c === 34) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 60) depth++;
    else if (c === 62) depth--;
    else if (c === 44 && depth === 0) {
      parts.push(trimLws(value.slice(start, i)));
      start = i + 1;
    }
  }
  if (quoted) throw new SipParseError('BAD_VALUE', 'unterminated quoted string', value.length, header);
  parts.push(trimLws(value.slice(start)));
  return parts;
}

/**
 * Throws {@link SipParseError} `code` when `re` matches in `s`, at the match's index plus
 * `offset`: how building refuses what the parser could not read back.
 */
export function refuse(
  s: string,
  re: RegExp,
  code: SipParseErrorCode,
  message: string,
  offset = 0,
  header?: string,
): void {
  const at = s.search(re);
  if (at >= 0) throw new SipParseError(code, message, offset + at, header);
}

/**
 * Quotes `s` as a quoted-string. `"`, `\` and the control characters qdtext leaves out (all but
 * HTAB, and DEL) are written as quoted-pairs (RFC 3261 section 25.1), which {@link Scanner.quoted}
 * reads back. CR and LF cannot be written at all, not even as a quoted-pair: they would end the
 * header line, so they throw {@link SipParseError} `BAD_VALUE` (position: their index in `s`).
 */
export function quote(s: string): string {
  refuse(s, /[\r\n]/, 'BAD_VALUE', 'CR or LF in a header value');
  return `"${s.replace(/["\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '\\$&')}"`;
}
