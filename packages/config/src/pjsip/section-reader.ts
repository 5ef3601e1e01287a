import { ConfigError } from '../errors.js';
import type { UnsupportedOption } from '../types.js';
import type { PjsipSection, PjsipVariable } from './document.js';

const TRUE_WORDS = new Set(['yes', 'true', 'y', 't', '1', 'on']);

/** `ast_true`: yes, true, y, t, 1, on (any case). Asterisk treats every other word as false. */
export function astTrue(value: string): boolean {
  return TRUE_WORDS.has(value.trim().toLowerCase());
}

/**
 * Typed access to one section's options with Asterisk's rules: the last value wins, unsigned
 * integers must be plain digits, and an option the object type does not know makes sorcery
 * refuse the object (here: a {@link ConfigError} with code `UNKNOWN_OPTION`).
 */
export class SectionReader {
  /** Options read but not honoured. */
  readonly unsupported: UnsupportedOption[] = [];

  constructor(
    readonly section: PjsipSection,
    /** Every option the object type has. */
    known: readonly string[],
  ) {
    const set = new Set(known);
    for (const v of section.variables) {
      if (!set.has(v.key)) {
        throw this.error(
          'UNKNOWN_OPTION',
          v,
          `an option of type=${section.type ?? '?'} (${known.join(', ')})`,
        );
      }
    }
  }

  /** `section/key`, the name errors and unsupported entries use. */
  keyName(key: string): string {
    return `${this.section.name}/${key}`;
  }

  /** The last value, or undefined. An empty value counts as set (to ""). */
  string(key: string): string | undefined {
    return this.section.get(key);
  }

  /** True when the option is written (even empty). */
  has(key: string): boolean {
    return this.section.get(key) !== undefined;
  }

  /** Boolean with `ast_true` semantics, or `dflt` when absent. */
  bool(key: string, dflt: boolean): boolean {
    const v = this.section.get(key);
    return v === undefined ? dflt : astTrue(v);
  }

  /** OPT_UINT_T: digits only, 0..4294967295; `min` adds a lower bound. */
  uint(key: string, dflt: number, min = 0): number {
    const v = this.section.last(key);
    if (v === undefined) return dflt;
    const expected = `an unsigned integer${min > 0 ? ` >= ${min}` : ''}`;
    if (!/^\d+$/.test(v.value)) throw this.error('INVALID_VALUE', v, expected);
    const n = Number(v.value);
    if (n > 4294967295 || n < min) throw this.error('OUT_OF_RANGE', v, expected);
    return n;
  }

  /** A comma list: items trimmed, empty ones dropped (last occurrence of the option wins). */
  list(key: string): string[] {
    const v = this.section.get(key);
    if (v === undefined) return [];
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }

  /** The variable behind `key`, for error locations. */
  variable(key: string): PjsipVariable | undefined {
    return this.section.last(key);
  }

  /** Builds a located {@link ConfigError} for `key` (or for the section when the key is absent). */
  fail(code: ConfigError['code'], key: string, expected: string, detail?: string): never {
    const v = this.section.last(key);
    if (v) throw this.error(code, v, expected, detail);
    throw new ConfigError(
      code,
      this.keyName(key),
      'pjsip',
      expected,
      { file: this.section.file, line: this.section.line, section: this.section.name },
      detail,
    );
  }

  /** Records `key` as not honoured when it is set. */
  unsupportedIfSet(key: string, reason: string): void {
    if (this.section.get(key) !== undefined)
      this.unsupported.push({ key: this.keyName(key), source: 'pjsip', reason });
  }

  private error(code: ConfigError['code'], v: PjsipVariable, expected: string, detail?: string): ConfigError {
    return variableError(this.section, v, code, expected, detail);
  }
}

/** A {@link ConfigError} for option `v` of `section`, located at its file and line. */
export function variableError(
  section: PjsipSection,
  v: PjsipVariable,
  code: ConfigError['code'],
  expected: string,
  detail?: string,
): ConfigError {
  return new ConfigError(
    code,
    `${section.name}/${v.key}`,
    'pjsip',
    expected,
    { file: v.file, line: v.line, section: section.name },
    detail,
  );
}
