import { isToken, type SipUri } from '@sipkit/parser';
import { ConfigError, type ConfigSource } from './errors.js';
import type { UnsupportedOption } from './types.js';

/** JsSIP and SIP.js 0.7 skip these values and keep the default (`Utils.isEmpty`). */
export function isEmptyJs(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'number' && Number.isNaN(v))
  );
}

/** SIP.js 0.21 only treats an absent (undefined) option as "use the default". */
export function isUndefined(v: unknown): boolean {
  return v === undefined;
}

/** Range and form rules for {@link OptionBag.number}. */
export interface NumberRules {
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Only whole numbers (JsSIP's and SIP.js 0.7's `isDecimal` means "integer-valued"). */
  integer?: boolean;
  /** Accept numeric strings such as `"600"` (JsSIP, SIP.js 0.7 do). */
  numericStrings?: boolean;
}

/**
 * Reads options from a plain JavaScript config object, remembering which keys were used so the
 * rest can be reported as unsupported. `lookup` lets SIP.js 0.7 accept snake_case aliases.
 */
export class OptionBag {
  private readonly seen = new Set<string>();
  /** Options read but not honoured. */
  readonly unsupported: UnsupportedOption[] = [];

  constructor(
    readonly source: ConfigSource,
    private readonly obj: Record<string, unknown>,
    private readonly isEmpty: (v: unknown) => boolean,
    /** Spellings to try for a key, in priority order; all are marked as seen. */
    private readonly spellings: (key: string) => string[] = (k) => [k],
    /** Prefix for reported key names (`transportOptions.`). */
    private readonly prefix = '',
  ) {}

  /** The spelling under which `key` was found, for error messages. */
  name(key: string): string {
    for (const s of this.spellings(key))
      if (Object.hasOwn(this.obj, s) && !this.isEmpty(this.obj[s])) return this.prefix + s;
    return this.prefix + key;
  }

  /** The raw value, or undefined when absent or empty. */
  raw(key: string): unknown {
    let found: unknown;
    let done = false;
    for (const s of this.spellings(key)) {
      this.seen.add(s);
      if (!done && Object.hasOwn(this.obj, s) && !this.isEmpty(this.obj[s])) {
        found = this.obj[s];
        done = true;
      }
    }
    return found;
  }

  /** True when the option is present and not empty. */
  has(key: string): boolean {
    return this.spellings(key).some((s) => Object.hasOwn(this.obj, s) && !this.isEmpty(this.obj[s]));
  }

  /** Throws a {@link ConfigError} for `key`. */
  fail(code: ConfigError['code'], key: string, expected: string, detail?: string): never {
    throw new ConfigError(code, this.name(key), this.source, expected, undefined, detail);
  }

  /** A string option; any other type is an error. */
  string(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail('INVALID_TYPE', key, 'a string', `got ${typeOf(v)}`);
    return v;
  }

  /** A value converted with `String()`, as JsSIP does for `password`, `realm` and `ha1`. */
  stringified(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v === 'object' || typeof v === 'function' || typeof v === 'symbol') {
      this.fail('INVALID_TYPE', key, 'a string or number', `got ${typeOf(v)}`);
    }
    return String(v);
  }

  /**
   * `text`, read for `key`, refused as `expected` unless `ok` accepts it (or it is undefined).
   * The error names the option, never its text.
   */
  checked(
    key: string,
    ok: (text: string) => boolean,
    expected: string,
    text: string | undefined,
  ): string | undefined {
    if (text !== undefined && !ok(text)) this.fail('INVALID_VALUE', key, expected);
    return text;
  }

  /**
   * A string option (or `text`, when it was read for `key` otherwise) refused when it holds CR or
   * LF: it is written into a header line (a display name into From and To, a user agent into
   * User-Agent and Server), which cannot carry a line break. `what` says what it is.
   */
  oneLine(key: string, what: string, text = this.string(key)): string | undefined {
    return this.checked(key, isOneLine, `${what} without line breaks`, text);
  }

  /**
   * An array of strings, each refused as `expected` unless `ok` accepts it. The error names the
   * entry (`extra_headers[1]`), never its text, which may hold a token.
   */
  stringsWhere(key: string, ok: (entry: string) => boolean, expected: string): string[] | undefined {
    const list = this.stringArray(key);
    list?.forEach((entry, i) => {
      if (!ok(entry))
        throw new ConfigError('INVALID_VALUE', `${this.name(key)}[${i}]`, this.source, expected);
    });
    return list;
  }

  /**
   * An array of header lines (`Name: value`), each refused unless it is one header line: a token
   * name (RFC 3261 section 7.3.1), a colon, and no CR or LF, which would start another line.
   */
  headerLines(key: string): string[] | undefined {
    return this.stringsWhere(
      key,
      (line) => {
        const colon = line.indexOf(':');
        return colon > 0 && isToken(line.slice(0, colon).trim()) && isOneLine(line);
      },
      "a header line 'Name: value'",
    );
  }

  /**
   * The digest username: `given`, read for `key`, else the user part of `aor` (named `aorKey` in
   * the error). Refused with `"`, `\`, CR or LF: JsSIP and SIP.js write it into a quoted-string
   * as it is, and no quoted-string carries a line break.
   */
  username(key: string, aor: SipUri, aorKey: string, given: string | undefined): string {
    const name = given ?? aor.user!;
    if (/["\\\r\n]/.test(name))
      this.fail(
        'INVALID_VALUE',
        given === undefined ? aorKey : key,
        'a digest username that fits a quoted-string (no " \\ or line breaks)',
      );
    return name;
  }

  /** A boolean option. */
  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail('INVALID_TYPE', key, 'true or false', `got ${typeOf(v)}`);
    return v;
  }

  /** A numeric option checked against `rules`. */
  number(key: string, rules: NumberRules): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    let n: number;
    if (typeof v === 'number') n = v;
    else if (rules.numericStrings && typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) n = Number(v);
    else return this.fail('INVALID_TYPE', key, describe(rules), `got ${typeOf(v)}`);
    if (!Number.isFinite(n) || (rules.integer && !Number.isInteger(n))) {
      this.fail('INVALID_VALUE', key, describe(rules));
    }
    if (
      (rules.min !== undefined && n < rules.min) ||
      (rules.above !== undefined && n <= rules.above) ||
      (rules.max !== undefined && n > rules.max)
    ) {
      this.fail('OUT_OF_RANGE', key, describe(rules));
    }
    return n;
  }

  /** An array of strings. */
  stringArray(key: string): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      this.fail('INVALID_TYPE', key, 'an array of strings', `got ${typeOf(v)}`);
    }
    return [...(v as string[])];
  }

  /** Records `key` as read but not honoured, when present. */
  unsupportedIfSet(key: string, reason: string): void {
    if (this.has(key)) this.unsupported.push({ key: this.name(key), source: this.source, reason });
    this.raw(key);
  }

  /**
   * Throws `UNKNOWN_OPTION` for the first key not read so far: for sipkit's own options, where an
   * unknown key is a typo, not an option of another system.
   */
  refuseRest(expected: string): void {
    const key = Object.keys(this.obj).find((k) => !this.seen.has(k) && !this.isEmpty(this.obj[k]));
    if (key !== undefined) this.fail('UNKNOWN_OPTION', key, expected);
  }

  /** Records every key not read so far as unsupported with `reason`. */
  reportRest(reason: string): void {
    for (const k of Object.keys(this.obj)) {
      if (this.seen.has(k) || this.isEmpty(this.obj[k])) continue;
      this.seen.add(k);
      this.unsupported.push({ key: this.prefix + k, source: this.source, reason });
    }
  }
}

/** True when `text` holds no CR or LF, which would end a header line. */
export function isOneLine(text: string): boolean {
  return !/[\r\n]/.test(text);
}

/** `typeof` with arrays and null told apart, for error details. */
export function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

function describe(r: NumberRules): string {
  const parts: string[] = [r.integer ? 'an integer' : 'a number'];
  if (r.min !== undefined) parts.push(`>= ${r.min}`);
  if (r.above !== undefined) parts.push(`> ${r.above}`);
  if (r.max !== undefined) parts.push(`<= ${r.max}`);
  return parts.join(' ');
}
