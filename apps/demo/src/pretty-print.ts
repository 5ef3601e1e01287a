import { canonicalName, isKnownHeader, type SipMessage, SipParseError, startLine } from '@sipkit/parser';

/** Header values that must never be printed (credentials). */
const SECRET = new Set(['authorization', 'proxy-authorization']);

function describe(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    const fields: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || k === 'kind') continue;
      const text = typeof v === 'object' && v !== null && 'toString' in v ? String(v) : JSON.stringify(v);
      if (text !== '' && text !== '""') fields.push(`${k}=${text}`);
    }
    return fields.join(' ');
  }
  return JSON.stringify(value);
}

/**
 * Formats a message as readable lines: the start line, then every header with its parsed
 * fields. Credential values are replaced by their scheme and `<redacted>`.
 */
export function prettyPrint(msg: SipMessage): string {
  const lines = [startLine(msg)];
  if (msg.kind === 'request') lines.push(`  request-uri: ${describe(msg.uri)}`);
  const seen = new Set<string>();
  for (const [name, raw] of msg.headers.entries()) {
    const key = name.toLowerCase().length === 1 ? canonicalName(name).toLowerCase() : name.toLowerCase();
    if (SECRET.has(key)) {
      lines.push(`${canonicalName(name)}: ${raw.split(' ')[0]} <redacted>`);
      continue;
    }
    if (!isKnownHeader(key) || seen.has(key)) {
      if (!isKnownHeader(key)) lines.push(`${name}: ${raw}`);
      continue;
    }
    seen.add(key);
    try {
      for (const v of msg.headers.typed(key)) lines.push(`${canonicalName(key)}: ${describe(v)}`);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      lines.push(`${canonicalName(key)}: !! ${e.message} (raw: ${raw})`);
    }
  }
  lines.push(`body: ${msg.body.length} bytes`);
  return lines.join('\n');
}
