import { bytesAre } from './fast-scan.js';
import { isTokenChar, isTokenOrHost, NOT_TOKEN, quote, refuse, Scanner, skipWs } from './scanner.js';

/** One `;name=value` parameter. `value` is null for a flag (`;lr`); `quoted` keeps the written form. */
export interface Param {
  /** Name as written; compare case-insensitively. */
  name: string;
  /** Value with quotes and URI escapes resolved; null for a flag parameter. */
  value: string | null;
  /** The value was (or must be) written as a quoted-string; quoted values compare case-sensitively. */
  quoted?: boolean;
}

/** Marks a list that has not been read from its text yet. */
const UNREAD: Param[] = [];
/**
 * The list of every empty `Params` until its first `set`: most URIs have no parameters and no
 * headers, and an address kept per user agent would otherwise hold two empty arrays. Frozen, so
 * a write that forgot to copy it fails loudly instead of changing every empty list.
 */
const NONE: Param[] = Object.freeze([]) as unknown as Param[];

/**
 * An ordered parameter list. Names compare case-insensitively (RFC 3261 section 7.3.1); the
 * order and spelling as written are kept for serialising.
 */
export class Params implements Iterable<Param> {
  private list: Param[];
  /**
   * For a list not read yet: the text holding it, the span, and whether it holds URI parameters.
   * Truly private, so logging or JSON of a value shows no other header of its message.
   */
  #src: string;
  #from: number;
  #to: number;
  #uri: boolean;
  /** The message bytes `#src` is the ASCII decoding of (same offsets), when the fast path had them. */
  #bytes: Uint8Array | undefined;
  /** Where the first parameter's unquoted value ends, when the fast path saw it (else -1). */
  #firstEnd: number;

  constructor(list: Param[] = NONE) {
    this.list = list.length === 0 && list !== UNREAD ? NONE : list;
    this.#src = '';
    this.#from = 0;
    this.#to = 0;
    this.#uri = false;
    this.#bytes = undefined;
    this.#firstEnd = -1;
  }

  /**
   * @internal Parameters already checked by a fast path, read from `src` only when first used.
   * `uri`: URI parameters without escapes (`name[=value]` separated by `;`, the span starting
   * after the first `;`); otherwise header parameters (the span starting at the first `;`).
   * `bytes`: the message bytes `src` is the ASCII decoding of, if known (looked at instead of
   * `src`, which costs less), and with them `firstEnd`, where the first parameter's unquoted
   * value ends (what the fast path's parameter check noted).
   */
  static unread(
    src: string,
    from: number,
    to: number,
    uri: boolean,
    bytes?: Uint8Array,
    firstEnd = -1,
  ): Params {
    const p = new Params(UNREAD);
    p.#src = src;
    p.#bytes = bytes;
    p.#firstEnd = firstEnd;
    p.#from = from;
    p.#to = to;
    p.#uri = uri;
    return p;
  }

  private items(): Param[] {
    if (this.list === UNREAD) {
      const list = this.#uri
        ? readUriSpan(this.#src, this.#from, this.#to)
        : readHeaderSpan(this.#src, this.#from);
      this.list = list.length === 0 ? NONE : list;
      this.#src = '';
      this.#bytes = undefined;
    }
    return this.list;
  }

  /**
   * `get` on header parameters not read yet, without reading them into a list: `lower` is the
   * name asked for, lower-cased. The span matched a fast-path pattern, so it holds no quoted-pair.
   */
  private unreadGet(lower: string): string | null | undefined {
    const t = this.#src;
    const end = this.#to;
    let p = this.#from;
    // Common case, when the message bytes are known: the parameter asked for comes first, as
    // `;name=value` in lower case; an unquoted value ends at white space, `;` or the end.
    const b = this.#bytes;
    const value = p + 2 + lower.length;
    if (b !== undefined) {
      if (value < end && b[p] === 59 && b[value - 1] === 61 && bytesAre(b, p + 1, lower)) {
        const c = b[value];
        // Then it is the first parameter the fast path checked, and #firstEnd its value's end.
        if (c !== 34 && c !== 32 && c !== 9) return t.slice(value, this.#firstEnd);
      }
    }
    for (;;) {
      p = skipWs(t, p);
      if (p >= end || t.charCodeAt(p) !== 59) return undefined;
      p = skipWs(t, p + 1);
      const name = p;
      while (isTokenChar(t.charCodeAt(p))) p++;
      const match = p - name === lower.length && lowerEquals(t, name, lower);
      p = skipWs(t, p);
      if (t.charCodeAt(p) !== 61 || p >= end) {
        if (match) return null;
        continue;
      }
      p = skipWs(t, p + 1);
      if (t.charCodeAt(p) === 34) {
        const close = t.indexOf('"', p + 1);
        if (match) return t.slice(p + 1, close);
        p = close + 1;
      } else if (match) return t.slice(p, unquotedEnd(t, p, end));
      else {
        p = t.indexOf(';', p);
        if (p < 0 || p > end) p = end;
      }
    }
  }

  /** Number of parameters. */
  get size(): number {
    return this.items().length;
  }

  private index(name: string): number {
    const list = this.items();
    const n = name.toLowerCase();
    for (let i = 0; i < list.length; i++) if (list[i]!.name.toLowerCase() === n) return i;
    return -1;
  }

  /** True when `name` is present, with or without a value. */
  has(name: string): boolean {
    return this.find(name.toLowerCase()) !== undefined;
  }

  /** The value (unquoted), null for a flag, undefined when absent. */
  get(name: string): string | null | undefined {
    return this.find(name.toLowerCase());
  }

  /** @internal {@link Params.get} for a name already in lower case (the getters' constant names). */
  find(lower: string): string | null | undefined {
    if (this.list === UNREAD && !this.#uri) return this.unreadGet(lower);
    const i = this.index(lower);
    return i < 0 ? undefined : this.list[i]!.value;
  }

  /**
   * Sets or replaces a parameter; a value that is not a token is written quoted. Throws
   * `BAD_VALUE` for a name that is not a token: written as it is, `x;tag` would read back as a
   * second parameter.
   */
  set(name: string, value: string | null = null, quoted?: boolean): this {
    refuse(name, NOT_TOKEN, 'BAD_VALUE', 'a parameter name must be a token');
    const p: Param = { name, value, quoted: quoted ?? (value !== null && !isTokenOrHost(value)) };
    const i = this.index(name);
    if (i >= 0) this.list[i] = p;
    else if (this.list === NONE) this.list = [p];
    else this.list.push(p);
    return this;
  }

  /** Removes `name`; returns whether it was present. */
  delete(name: string): boolean {
    const i = this.index(name);
    if (i < 0) return false;
    this.list.splice(i, 1);
    return true;
  }

  /** Iterates the parameters in written order. */
  [Symbol.iterator](): Iterator<Param> {
    return this.items()[Symbol.iterator]();
  }

  /** An independent copy. */
  clone(): Params {
    return new Params(this.items().map((p) => ({ ...p })));
  }

  /** What `JSON.stringify` writes: the list (read first, if it was not yet). */
  toJSON(): {
    /** The parameters in written order. */
    list: Param[];
  } {
    return { list: this.items() };
  }

  /** Node's `util.inspect` (and so `console.log`) shows the list read, not an empty one. */
  [Symbol.for('nodejs.util.inspect.custom')](): this {
    this.items();
    return this;
  }

  /** Serialised with a leading `;` before each parameter (or `sep`). */
  toString(sep = ';'): string {
    let out = '';
    for (const p of this.items()) {
      out += sep + p.name;
      if (p.value !== null) out += '=' + (p.quoted ? quote(p.value) : p.value);
    }
    return out;
  }
}

/**
 * Reads `*( SEMI generic-param )` from a header value (not a URI): values are tokens, hosts or
 * quoted strings, with white space allowed around `;` and `=`.
 */
export function readParams(s: Scanner, sep = 59 /* ; */): Params {
  return new Params(readParamList(s, sep));
}

function readParamList(s: Scanner, sep: number): Param[] {
  const list: Param[] = [];
  while (s.eat(sep)) {
    const name = s.token('parameter name');
    if (s.eat(61 /* = */)) {
      if (s.peek() === 34) list.push({ name, value: s.quoted(), quoted: true });
      else list.push({ name, value: s.tokenOrHost('parameter value') });
    } else list.push({ name, value: null });
    s.skipWs();
  }
  return list;
}

/** Header parameters from `from` in `src`, a span a fast-path pattern matched (what follows ends them). */
function readHeaderSpan(src: string, from: number): Param[] {
  const s = new Scanner(src);
  s.pos = from;
  return readParamList(s, 59);
}

/** URI parameters in `src.slice(from, to)`, checked by the URI fast path: no escapes to resolve. */
function readUriSpan(src: string, from: number, to: number): Param[] {
  const list: Param[] = [];
  let p = from;
  while (p < to) {
    let end = src.indexOf(';', p);
    if (end < 0 || end > to) end = to;
    const eq = src.indexOf('=', p);
    if (eq < 0 || eq >= end) list.push({ name: src.slice(p, end), value: null });
    else list.push({ name: src.slice(p, eq), value: src.slice(eq + 1, end) });
    p = end + 1;
  }
  return list;
}

/**
 * Where the unquoted header parameter value starting at `p` ends, the span ending at `end`: an
 * unquoted value holds no `;`, so the next one (or the end) follows it after any white space.
 */
function unquotedEnd(t: string, p: number, end: number): number {
  let next = t.indexOf(';', p);
  if (next < 0 || next > end) next = end;
  for (let c = t.charCodeAt(next - 1); c === 32 || c === 9; c = t.charCodeAt(--next - 1));
  return next;
}

/** True when `t` from `start` holds `lower` in any letter case (`lower` is lower-case). */
function lowerEquals(t: string, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = t.charCodeAt(start + i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
