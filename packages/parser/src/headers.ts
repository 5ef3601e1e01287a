import { SipParseError } from './errors.js';
import { canonicalName, headerKey } from './header-names.js';
import { HEADER_PARSERS, type HeaderTypes, isKnownHeader, type KnownHeader } from './header-types.js';

/** A header value as it can be given to {@link Headers.append}: text or an object with toString. */
export type HeaderInput =
  | string
  | number
  | {
      /** Gives the header value as written on the wire. */
      toString(): string;
    };

/**
 * An ordered header collection. Keeps every header line (name as written, value unfolded) in
 * order, looks names up by their long form (compact forms included), and parses typed values
 * on first access, caching them until the header changes.
 */
export class Headers {
  /** Names as written. */
  private readonly names: string[] = [];
  /** Lower-case long-form keys, parallel to `names`. */
  private readonly keys: string[] = [];
  private readonly values: string[] = [];
  private typedCache: Map<string, unknown[]> | undefined;

  /** Number of header lines. */
  get size(): number {
    return this.names.length;
  }

  /** @internal Adds a header line read by the parser; `key` is already the long form. */
  push(name: string, key: string, value: string): void {
    this.names.push(name);
    this.keys.push(key);
    this.values.push(value);
  }

  /** Appends a header line. */
  append(name: string, value: HeaderInput): this {
    const key = headerKey(name);
    this.push(canonicalName(key), key, String(value));
    this.typedCache?.delete(key);
    return this;
  }

  /** Replaces every line of `name` with one line (at the position of the first one). */
  set(name: string, value: HeaderInput): this {
    const key = headerKey(name);
    const first = this.keys.indexOf(key);
    if (first < 0) return this.append(name, value);
    this.values[first] = String(value);
    this.names[first] = canonicalName(key);
    for (let i = this.keys.length - 1; i > first; i--) if (this.keys[i] === key) this.removeAt(i);
    this.typedCache?.delete(key);
    return this;
  }

  /** Inserts a header line before all others (as a proxy does with Via). */
  prepend(name: string, value: HeaderInput): this {
    const key = headerKey(name);
    this.names.unshift(canonicalName(key));
    this.keys.unshift(key);
    this.values.unshift(String(value));
    this.typedCache?.delete(key);
    return this;
  }

  /** Removes every line of `name`; returns how many were removed. */
  delete(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] === key) {
        this.removeAt(i);
        n++;
      }
    }
    this.typedCache?.delete(key);
    return n;
  }

  private removeAt(i: number): void {
    this.names.splice(i, 1);
    this.keys.splice(i, 1);
    this.values.splice(i, 1);
  }

  /** True when at least one line of `name` (any spelling or compact form) is present. */
  has(name: string): boolean {
    return this.keys.indexOf(headerKey(name)) >= 0;
  }

  /** The first line's raw value, or undefined. */
  get(name: string): string | undefined {
    const i = this.keys.indexOf(headerKey(name));
    return i < 0 ? undefined : this.values[i];
  }

  /** Every line's raw value, in order. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) out.push(this.values[i]!);
    return out;
  }

  /** Number of lines of `name`. */
  count(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (const k of this.keys) if (k === key) n++;
    return n;
  }

  /**
   * Every typed element of a known header across all its lines (comma lists flattened), parsed
   * once and cached. Throws {@link SipParseError} when a value is malformed.
   */
  typed<K extends KnownHeader>(name: K): HeaderTypes[K][] {
    const key = name;
    const cached = this.typedCache?.get(key);
    if (cached) return cached as HeaderTypes[K][];
    const parse = HEADER_PARSERS[key];
    const out: unknown[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] !== key) continue;
      const items = parse(this.values[i]!, key);
      for (const item of items) out.push(item);
    }
    this.typedCache ??= new Map();
    this.typedCache.set(key, out);
    return out as HeaderTypes[K][];
  }

  /** The first typed element of a known header, or undefined when absent. */
  first<K extends KnownHeader>(name: K): HeaderTypes[K] | undefined {
    return this.typed(name)[0];
  }

  /** Parses every known header, throwing the first {@link SipParseError}. */
  validate(): void {
    for (const key of new Set(this.keys)) if (isKnownHeader(key)) this.typed(key);
  }

  /** Iterates `[name as written, value]` pairs in order. */
  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < this.names.length; i++) yield [this.names[i]!, this.values[i]!];
  }

  /** @internal Lower-case keys in order (used by validation and serialising). */
  keyAt(i: number): string {
    return this.keys[i]!;
  }

  /** An independent copy of every line; typed values are parsed again on access. */
  clone(): Headers {
    const h = new Headers();
    for (let i = 0; i < this.names.length; i++) h.push(this.names[i]!, this.keys[i]!, this.values[i]!);
    return h;
  }
}
