/** The configuration formats the adapters read (`sipkit`: {@link sipkitConfig}'s own options). */
export type ConfigSource = 'jssip' | 'sipjs' | 'sipjs-legacy' | 'pjsip' | 'sipkit';

/** Stable codes carried by {@link ConfigError}. */
export type ConfigErrorCode =
  /** A mandatory option is absent or empty. */
  | 'MISSING'
  /** The value has the wrong JavaScript type (a number where a string is needed, ...). */
  | 'INVALID_TYPE'
  /** A number outside the range the source system accepts. */
  | 'OUT_OF_RANGE'
  /** A URI (or WebSocket URL) that does not parse or has the wrong shape. */
  | 'INVALID_URI'
  /** A value of the right type that the source system still rejects (bad UUID, unknown enum word, ...). */
  | 'INVALID_VALUE'
  /** Two options that cannot be used together, or one that requires another. */
  | 'CONFLICT'
  /**
   * An option that does not exist: pjsip.conf (Asterisk refuses to load the object) and
   * `sipkitConfig` (a typo); the JavaScript adapters list unknown keys in `unsupported` instead.
   */
  | 'UNKNOWN_OPTION'
  /** pjsip.conf: the requested or referenced section does not exist, or is ambiguous. */
  | 'UNKNOWN_SECTION'
  /** pjsip.conf: the file itself is malformed (bad section header, option before any section, ...). */
  | 'SYNTAX'
  /** pjsip.conf: an `#include` could not be read. */
  | 'INCLUDE';

/** Where in a pjsip.conf file an error was found. */
export interface ConfigLocation {
  /** File name: the top-level `fileName` option (default `pjsip.conf`) or the `#include` argument. */
  file: string;
  /** 1-based line number in that file. */
  line: number;
  /** The `[section]` being read, when known (absent for lexer syntax errors and lines before any section). */
  section?: string;
}

/**
 * The only error the config adapters throw. `key` names the offending option as the source
 * format spells it (pjsip.conf keys are prefixed with their section: `prov/expiration`), `source`
 * says which adapter was reading, and `expected` describes what would have been accepted.
 * The message never contains the offending value, because it may be a password or token.
 */
export class ConfigError extends Error {
  /** Always `'ConfigError'`, so the error can be recognised after crossing a realm or a bundle copy. */
  override readonly name = 'ConfigError';
  constructor(
    /** Stable machine-readable reason. */
    readonly code: ConfigErrorCode,
    /** The option, as spelled in the source format. */
    readonly key: string,
    /** The source format. */
    readonly source: ConfigSource,
    /** What the source system accepts for this option. */
    readonly expected: string,
    /** pjsip.conf only: the file and line. */
    readonly location?: ConfigLocation,
    /** What is wrong with the value, when more can be said than `expected` (never the value). */
    readonly detail?: string,
  ) {
    const where = location ? ` (${location.file}:${location.line})` : '';
    super(`${source}: '${key}'${where}: expected ${expected}${detail ? `; ${detail}` : ''}`);
  }
}
