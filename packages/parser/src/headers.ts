import { canonicalName, HOT_IDS, headerKey, keyId, keyOfId } from './header-names.js';
import { type HeaderTypes, isKnownHeader, type KnownHeader, parseHeader } from './header-types.js';
import { NOT_TOKEN, refuse } from './scanner.js';

/**
 * {@link Headers.hot} before its pass: -1 (no line) for the first and last line of each hot key.
 * Pushed one by one, so that it and its copies are packed number arrays.
 */
const NO_HOT_LINES: number[] = [];
for (let i = 0; i < 2 * HOT_IDS; i++) NO_HOT_LINES.push(-1);

/** A header value as it can be given to {@link Headers.append}: text or an object with toString. */
export type HeaderInput =
  | string
  | number
  | {
      /** Gives the header value as written on the wire. */
      toString(): string;
    };

/**
 * The text of a line `name: value` to add, refused with a {@link SipParseError} when the line
 * could not be read back as one header: the name must be a token (`BAD_HEADER`), and the value
 * may hold no CR or LF (`BAD_VALUE`, position in the value), which would end the line and start
 * another one on the wire.
 */
function lineValue(name: string, key: string, value: HeaderInput): string {
  refuse(name, NOT_TOKEN, 'BAD_HEADER', 'bad header name');
  const text = String(value);
  refuse(text, /[\r\n]/, 'BAD_VALUE', 'CR or LF in a header value', 0, key);
  return text;
}

/** Shared empty arrays of a collection that has no lines of its own yet; never written to. */
const NONE: string[] = [];
const NO_IDS: number[] = [];

/**
 * An ordered header collection. Keeps every header line (name as written, value unfolded) in
 * order, looks names up by their long form (compact forms included), and parses typed values
 * on first access, caching them until the header changes.
 *
 * A parsed message's headers start out as spans of the decoded header text: names and values
 * become strings only when asked for, and typed values are parsed straight from that text. The
 * first change turns every line into strings.
 */
export class Headers {
  /**
   * Lower-case long-form keys, one per line (undefined until first needed for a parsed
   * message), and their {@link keyId} numbers.
   */
  private keys: string[] | undefined = NONE;
  private ids: number[] = NO_IDS;
  /** Names as written, and unfolded values; not filled while `src` holds them. */
  private names: string[] = NONE;
  private values: string[] = NONE;
  /** The header text of a parsed message, or undefined once every line is a string. */
  private src: string | undefined = undefined;
  /**
   * Per line of `src`: name start, name end, value start, value end. A folded value is not one
   * span of `src`: its value start is -1 and its value end indexes `folded`.
   */
  private spans: number[] = NO_IDS;
  private folded: string[] = NONE;
  /** The message bytes when `src` is their ASCII decoding (same offsets), for the fast paths. */
  private bytes: Uint8Array | undefined = undefined;
  /**
   * Typed values parsed so far as `[key number, values, ...]`: a message reads a handful of
   * typed headers, so a short list costs less to make than a slot per known key.
   */
  private cache: unknown[] | undefined = undefined;
  /**
   * While the lines are those of `src`: the first and last line of each key numbered below
   * {@link HOT_IDS} (-1 when none), found in one pass when the first of them is asked for, so
   * that each typed getter does not look at every line again.
   */
  private hot: number[] | undefined = undefined;

  /** Drops the typed values of `key` after a change. */
  private forget(key: string): void {
    const cache = this.cache;
    if (cache === undefined) return;
    const id = keyId(key);
    for (let i = 0; i < cache.length; i += 2) if (cache[i] === id) cache.splice(i, 2);
  }

  /** Number of header lines. */
  get size(): number {
    return this.ids.length;
  }

  private keyList(): string[] {
    let keys = this.keys;
    if (keys === undefined) {
      keys = [];
      for (let i = 0; i < this.ids.length; i++) {
        const id = this.ids[i]!;
        keys.push(id >= 0 ? keyOfId(id) : headerKey(this.nameAt(i)));
      }
      this.keys = keys;
    }
    return keys;
  }

  /** @internal Adds a header line read by the parser; `key` is already the long form. */
  push(name: string, key: string, value: string): void {
    this.own();
    this.names.push(name);
    this.keyList().push(key);
    this.ids.push(keyId(key));
    this.values.push(value);
  }

  /**
   * @internal Fills an empty collection from parsed header text, taking the arrays over: `keys`
   * one per line (or undefined, to be worked out from the text when needed) and their
   * {@link keyId} numbers `ids`, `spans` as described at `spans`, `folded` the values of folded
   * lines, `bytes` the bytes `src` was decoded from when they are all ASCII.
   */
  init(
    src: string,
    keys: string[] | undefined,
    ids: number[],
    spans: number[],
    folded: string[],
    bytes?: Uint8Array,
  ): void {
    this.src = src;
    this.bytes = bytes;
    this.keys = keys;
    this.ids = ids;
    this.spans = spans;
    this.folded = folded;
  }

  /** Gives the collection arrays of its own to change, every line a string. */
  private own(): void {
    if (this.names !== NONE) return;
    const names: string[] = [];
    const values: string[] = [];
    if (this.src === undefined) {
      this.keys = [];
      this.ids = [];
    } else {
      this.keyList();
      for (let i = 0; i < this.ids.length; i++) {
        names.push(this.nameAt(i));
        values.push(this.valueAt(i));
      }
    }
    this.names = names;
    this.values = values;
    this.src = undefined;
    this.bytes = undefined;
    this.hot = undefined;
    this.spans = NO_IDS;
    this.folded = NONE;
  }

  private nameAt(i: number): string {
    const src = this.src;
    if (src === undefined) return this.names[i]!;
    return src.slice(this.spans[4 * i], this.spans[4 * i + 1]);
  }

  private valueAt(i: number): string {
    const src = this.src;
    if (src === undefined) return this.values[i]!;
    const start = this.spans[4 * i + 2]!;
    const end = this.spans[4 * i + 3]!;
    return start < 0 ? this.folded[end]! : src.slice(start, end);
  }

  /**
   * Appends a header line. Throws {@link SipParseError} when `name` is not a token
   * (`BAD_HEADER`) or the value holds CR or LF (`BAD_VALUE`): nothing is added then.
   */
  append(name: string, value: HeaderInput): this {
    const key = headerKey(name);
    this.push(canonicalName(key), key, lineValue(name, key, value));
    this.forget(key);
    return this;
  }

  /**
   * Replaces every line of `name` with one line (at the position of the first one). Refuses
   * what {@link Headers.append} refuses, changing nothing.
   */
  set(name: string, value: HeaderInput): this {
    const key = headerKey(name);
    const first = this.keyList().indexOf(key);
    if (first < 0) return this.append(name, value);
    const text = lineValue(name, key, value);
    this.own();
    const keys = this.keyList();
    this.values[first] = text;
    this.names[first] = canonicalName(key);
    for (let i = keys.length - 1; i > first; i--) if (keys[i] === key) this.removeAt(i);
    this.forget(key);
    return this;
  }

  /**
   * Inserts a header line before all others (as a proxy does with Via). Refuses what
   * {@link Headers.append} refuses, changing nothing.
   */
  prepend(name: string, value: HeaderInput): this {
    const key = headerKey(name);
    const text = lineValue(name, key, value);
    this.own();
    this.names.unshift(canonicalName(key));
    this.keyList().unshift(key);
    this.ids.unshift(keyId(key));
    this.values.unshift(text);
    this.forget(key);
    return this;
  }

  /** Removes every line of `name`; returns how many were removed. */
  delete(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (let i = this.keyList().length - 1; i >= 0; i--) {
      if (this.keyList()[i] === key) {
        this.own();
        this.removeAt(i);
        n++;
      }
    }
    this.forget(key);
    return n;
  }

  private removeAt(i: number): void {
    this.names.splice(i, 1);
    this.keyList().splice(i, 1);
    this.ids.splice(i, 1);
    this.values.splice(i, 1);
  }

  /** True when at least one line of `name` (any spelling or compact form) is present. */
  has(name: string): boolean {
    return this.keyList().indexOf(headerKey(name)) >= 0;
  }

  /** The first line's raw value, or undefined. */
  get(name: string): string | undefined {
    const i = this.keyList().indexOf(headerKey(name));
    return i < 0 ? undefined : this.valueAt(i);
  }

  /** Every line's raw value, in order. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const keys = this.keyList();
    const out: string[] = [];
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) out.push(this.valueAt(i));
    return out;
  }

  /** Number of lines of `name`. */
  count(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (const k of this.keyList()) if (k === key) n++;
    return n;
  }

  /**
   * Every typed element of a known header across all its lines (comma lists flattened), parsed
   * once and cached. Throws {@link SipParseError} when a value is malformed.
   *
   * The elements are read-only views of the lines: changing one (`params.set`, `displayName`,
   * ...) changes neither the lines nor what {@link serialize} writes, yet later reads return the
   * changed cached object. To change a header, write the value back (`headers.set('To', to)`: a
   * typed value's `toString()` is its line), or build the message with {@link createRequest}.
   */
  typed<K extends KnownHeader>(name: K): HeaderTypes[K][] {
    return this.typedAt(keyId(name), name) as HeaderTypes[K][];
  }

  /** @internal {@link Headers.typed} given the key's {@link keyId} too. */
  typedAt(id: number, key: KnownHeader): unknown[] {
    const cache = this.cache;
    if (cache !== undefined)
      for (let i = 0; i < cache.length; i += 2) if (cache[i] === id) return cache[i + 1] as unknown[];
    let out: unknown[] | undefined;
    const ids = this.ids;
    const src = this.src;
    let first = 0;
    let last = ids.length - 1;
    if (src !== undefined && id < HOT_IDS) {
      const hot = this.hot ?? this.hotLines();
      first = hot[2 * id]!;
      last = hot[2 * id + 1]!;
    }
    for (let i = first; i >= 0 && i <= last; i++) {
      if (ids[i] !== id) continue;
      let items: unknown[];
      if (src !== undefined) {
        const start = this.spans[4 * i + 2]!;
        if (start >= 0) items = parseHeader(key, src, start, this.spans[4 * i + 3]!, this.bytes);
        else {
          const v = this.folded[this.spans[4 * i + 3]!]!;
          items = parseHeader(key, v, 0, v.length);
        }
      } else {
        const v = this.values[i]!;
        items = parseHeader(key, v, 0, v.length);
      }
      // Each line's list is new: the first one is kept and takes the others' elements.
      if (out === undefined) out = items;
      else for (let k = 0; k < items.length; k++) out.push(items[k]);
    }
    out ??= [];
    if (cache === undefined) this.cache = [id, out];
    else cache.push(id, out);
    return out;
  }

  /** Fills {@link Headers.hot}. */
  private hotLines(): number[] {
    const hot = NO_HOT_LINES.slice();
    const ids = this.ids;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id >= 0 && id < HOT_IDS) {
        if (hot[2 * id]! < 0) hot[2 * id] = i;
        hot[2 * id + 1] = i;
      }
    }
    this.hot = hot;
    return hot;
  }

  /** The first typed element of a known header, or undefined when absent; a read-only view, as {@link Headers.typed} says. */
  first<K extends KnownHeader>(name: K): HeaderTypes[K] | undefined {
    return this.typed(name)[0];
  }

  /** Parses every known header, throwing the first {@link SipParseError}. */
  validate(): void {
    for (const key of new Set(this.keyList())) if (isKnownHeader(key)) this.typed(key);
  }

  /** Iterates `[name as written, value]` pairs in order. */
  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < this.ids.length; i++) yield [this.nameAt(i), this.valueAt(i)];
  }

  /** @internal Lower-case keys in order (used by validation and serialising). */
  keyAt(i: number): string {
    return this.keyList()[i]!;
  }

  /** An independent copy of every line; typed values are parsed again on access. */
  clone(): Headers {
    const h = new Headers();
    if (this.src !== undefined)
      h.init(this.src, this.keys?.slice(), this.ids.slice(), this.spans, this.folded, this.bytes);
    else for (let i = 0; i < this.ids.length; i++) h.push(this.names[i]!, this.keys![i]!, this.values[i]!);
    return h;
  }
}
