import { ConfigError } from '../errors.js';
import { PjsipDocument, PjsipSection } from './document.js';
import { lexPjsipConf } from './lexer.js';

/** Reads an included file; return undefined (or throw) when it does not exist. */
export type ReadFile = (path: string) => string | undefined;

/** Options for {@link readPjsipConf}. */
export interface ReadPjsipOptions {
  /** Name of the top-level file, for error locations (default `pjsip.conf`). */
  fileName?: string;
  /** Resolves `#include`/`#tryinclude`; without it, any include is an error. */
  readFile?: ReadFile;
  /** Called for directives that are skipped (`#exec`). */
  onWarning?: (message: string) => void;
}

const MAX_INCLUDE_DEPTH = 16;

/**
 * Parses pjsip.conf text into sections, applying templates (`(!)`), inheritance
 * (`(base1,base2)`, bases must already be defined), appends (`(+)`), `+=` and includes.
 * `#exec` is skipped with a warning, as Asterisk does when `execincludes` is off.
 */
export function readPjsipConf(text: string, options: ReadPjsipOptions = {}): PjsipDocument {
  const sections: PjsipSection[] = [];
  let current: PjsipSection | undefined;
  const stack: string[] = [];

  const run = (body: string, file: string): void => {
    if (stack.includes(file) || stack.length >= MAX_INCLUDE_DEPTH) {
      throw new ConfigError('INCLUDE', file, 'pjsip', 'includes that do not loop back on themselves');
    }
    stack.push(file);
    for (const item of lexPjsipConf(body, file)) {
      const loc = { file: item.file, line: item.line, section: current?.name };
      if (item.kind === 'directive') {
        if (item.name === 'exec') {
          options.onWarning?.(`${item.file}:${item.line}: #exec skipped (needs execincludes)`);
          continue;
        }
        let included: unknown;
        try {
          included = options.readFile?.(item.arg);
        } catch {
          included = undefined;
        }
        // Not text (a Buffer, say) is the caller's bug, even for #tryinclude.
        if (typeof included !== 'string') {
          if (included === undefined && item.name === 'tryinclude') continue;
          throw new ConfigError('INCLUDE', item.arg, 'pjsip', 'readFile to return the file as text', loc);
        }
        // The included text continues the current section, as Asterisk reads it in place.
        run(included, item.arg);
        continue;
      }
      if (item.kind === 'section') {
        current = openSection(sections, item.name, item.flags, item.file, item.line);
        continue;
      }
      if (!current) {
        throw new ConfigError(
          'SYNTAX',
          item.key,
          'pjsip',
          'options inside a [section]',
          loc,
          'option before any section',
        );
      }
      if (item.op === '+=') {
        const prev = current.last(item.key);
        if (prev) {
          prev.value += item.value;
          continue;
        }
      }
      current.variables.push({
        key: item.key,
        value: item.value,
        file: item.file,
        line: item.line,
        inherited: false,
      });
    }
    stack.pop();
  };

  run(text, options.fileName ?? 'pjsip.conf');
  return new PjsipDocument(sections);
}

function openSection(
  sections: PjsipSection[],
  name: string,
  flags: string[],
  file: string,
  line: number,
): PjsipSection {
  const loc = { file, line, section: name };
  if (flags.includes('+')) {
    // `(+)` adds to the latest section of that name instead of creating one.
    for (let i = sections.length - 1; i >= 0; i--) if (sections[i]!.name === name) return sections[i]!;
    throw new ConfigError(
      'UNKNOWN_SECTION',
      name,
      'pjsip',
      `an earlier [${name}] to append to with (+)`,
      loc,
    );
  }
  const bases = flags.filter((f) => f !== '!');
  const section = new PjsipSection(name, flags.includes('!'), bases, file, line);
  for (const base of bases) {
    const from = sections.find((s) => s.name === base);
    if (!from) {
      throw new ConfigError(
        'UNKNOWN_SECTION',
        base,
        'pjsip',
        `[${base}] defined before [${name}] inherits from it`,
        loc,
      );
    }
    for (const v of from.variables) section.variables.push({ ...v, inherited: true });
  }
  sections.push(section);
  return section;
}
