import { isTokenOrHost, quote, type Scanner } from './scanner.js';

/** One `;name=value` parameter. `value` is null for a flag (`;lr`); `quoted` keeps the written form. */
export interface Param {
  /** Name as written; compare case-insensitively. */
  name: string;
  /** Value with quotes and URI escapes resolved; null for a flag parameter. */
  value: string | null;
  /** The value was (or must be) written as a quoted-string; quoted values compare case-sensitively. */
  quoted?: boolean;
}

/**
 * An ordered parameter list. Names compare case-insensitively (RFC 3261 section 7.3.1); the
 * order and spelling as written are kept for serialising.
 */
export class Params implements Iterable<Param> {
  private readonly list: Param[];

  constructor(list: Param[] = []) {
    this.list = list;
  }

  /** Number of parameters. */
  get size(): number {
    return this.list.length;
  }

  private index(name: string): number {
    const n = name.toLowerCase();
    for (let i = 0; i < this.list.length; i++) if (this.list[i]!.name.toLowerCase() === n) return i;
    return -1;
  }

  /** True when `name` is present, with or without a value. */
  has(name: string): boolean {
    return this.index(name) >= 0;
  }

  /** The value (unquoted), null for a flag, undefined when absent. */
  get(name: string): string | null | undefined {
    const i = this.index(name);
    return i < 0 ? undefined : this.list[i]!.value;
  }

  /** Sets or replaces a parameter; a value that is not a token is written quoted. */
  set(name: string, value: string | null = null, quoted?: boolean): this {
    const p: Param = { name, value, quoted: quoted ?? (value !== null && !isTokenOrHost(value)) };
    const i = this.index(name);
    if (i >= 0) this.list[i] = p;
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
    return this.list[Symbol.iterator]();
  }

  /** An independent copy. */
  clone(): Params {
    return new Params(this.list.map((p) => ({ ...p })));
  }

  /** Serialised with a leading `;` before each parameter (or `sep`). */
  toString(sep = ';'): string {
    let out = '';
    for (const p of this.list) {
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
  const list: Param[] = [];
  while (s.eat(sep)) {
    const name = s.token('parameter name');
    if (s.eat(61 /* = */)) {
      if (s.peek() === 34) list.push({ name, value: s.quoted(), quoted: true });
      else list.push({ name, value: s.tokenOrHost('parameter value') });
    } else list.push({ name, value: null });
    s.skipWs();
  }
  return new Params(list);
}
