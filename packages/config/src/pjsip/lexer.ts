import { ConfigError } from '../errors.js';

/** One meaningful line of a pjsip.conf file, after comments and `\;` escapes are resolved. */
export type PjsipLine =
  | {
      /** A `[name](flags)` section header. */
      kind: 'section';
      /** Section name, trimmed. */
      name: string;
      /**
       * Items of the trailing `(...)`: `!` (template), `+` (append) and base section names; empty without
       * one.
       */
      flags: string[];
      /** File the line is in. */
      file: string;
      /** 1-based line number. */
      line: number;
    }
  | {
      /** A `key = value` line. */
      kind: 'option';
      /** Option name, trimmed. */
      key: string;
      /** `=` and `=>` set the option; `+=` appends to its previous value in the section. */
      op: '=' | '=>' | '+=';
      /** Value, trimmed, comments removed and `\;` turned into `;`. */
      value: string;
      /** File the line is in. */
      file: string;
      /** 1-based line number. */
      line: number;
    }
  | {
      /** A `#include`, `#tryinclude` or `#exec` line. */
      kind: 'directive';
      /** The directive, lower-cased. */
      name: 'include' | 'tryinclude' | 'exec';
      /** Its argument (a file name or command), with surrounding `"..."` or `<...>` removed. */
      arg: string;
      /** File the line is in. */
      file: string;
      /** 1-based line number. */
      line: number;
    };

/**
 * Splits Asterisk config text into lines. `;` starts a comment unless written `\;` (the backslash
 * is dropped, the `;` kept); `;--` ... `--;` is a block comment that may nest and span lines.
 * Other backslashes are kept as written, as main/config.c does.
 */
export function lexPjsipConf(text: string, file: string): PjsipLine[] {
  const out: PjsipLine[] = [];
  let depth = 0;
  const lines = text.split(/\r\n|\n|\r/);
  for (let n = 0; n < lines.length; n++) {
    const src = lines[n]!;
    let buf = '';
    for (let i = 0; i < src.length; i++) {
      if (depth > 0) {
        if (src.startsWith('--;', i)) {
          depth--;
          i += 2;
        } else if (src.startsWith(';--', i)) {
          depth++;
          i += 2;
        }
        continue;
      }
      const c = src[i]!;
      if (c === '\\' && src[i + 1] === ';') {
        buf += ';';
        i++;
      } else if (src.startsWith(';--', i)) {
        depth++;
        i += 2;
      } else if (c === ';') {
        break;
      } else {
        buf += c;
      }
    }
    const line = buf.trim();
    if (line.length > 0) out.push(classify(line, file, n + 1));
  }
  return out;
}

function classify(text: string, file: string, line: number): PjsipLine {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw syntax(file, line, "a section header '[name]'", "no closing ']'");
    const name = text.slice(1, close).trim();
    if (name.length === 0) throw syntax(file, line, "a section header '[name]'", 'empty section name');
    const rest = text.slice(close + 1).trim();
    let flags: string[] = [];
    if (rest.length > 0) {
      if (!rest.startsWith('(') || !rest.endsWith(')')) {
        throw syntax(file, line, "'[name]' optionally followed by '(!)', '(+)' or '(template,...)'");
      }
      flags = rest
        .slice(1, -1)
        .split(',')
        .map((f) => f.trim())
        .filter((f) => f.length > 0);
    }
    return { kind: 'section', name, flags, file, line };
  }
  if (text.startsWith('#')) {
    const m = /^#(include|tryinclude|exec)\s+(.+)$/i.exec(text);
    if (!m) throw syntax(file, line, '#include, #tryinclude or #exec followed by a file name');
    let arg = m[2]!.trim();
    if ((arg.startsWith('"') && arg.endsWith('"')) || (arg.startsWith('<') && arg.endsWith('>'))) {
      arg = arg.slice(1, -1).trim();
    }
    return {
      kind: 'directive',
      name: m[1]!.toLowerCase() as 'include' | 'tryinclude' | 'exec',
      arg,
      file,
      line,
    };
  }
  const eq = text.indexOf('=');
  if (eq <= 0) throw syntax(file, line, "'key = value'", "no '=' in the line");
  let key = text.slice(0, eq);
  let value = text.slice(eq + 1);
  let op: '=' | '=>' | '+=' = '=';
  if (key.endsWith('+')) {
    op = '+=';
    key = key.slice(0, -1);
  } else if (value.startsWith('>')) {
    op = '=>';
    value = value.slice(1);
  }
  key = key.trim();
  if (key.length === 0) throw syntax(file, line, "'key = value'", 'empty key');
  return { kind: 'option', key, op, value: value.trim(), file, line };
}

function syntax(file: string, line: number, expected: string, detail?: string): ConfigError {
  return new ConfigError('SYNTAX', `${file}:${line}`, 'pjsip', expected, { file, line }, detail);
}
