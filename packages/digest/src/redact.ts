import { parseAuth } from '@sipkit/parser';

/** What replaces a secret in a redacted header value. */
export const REDACTED = '<redacted>';

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);

/**
 * A header value safe to log or trace: in Authorization / Proxy-Authorization, the digest
 * `response` and any token (Bearer, Basic) become `<redacted>`; other headers come back
 * unchanged. A credentials value that does not parse is redacted whole after its scheme.
 */
export function redact(name: string, value: string): string {
  if (!CREDENTIAL_HEADERS.has(name.trim().toLowerCase())) return value;
  let parsed: ReturnType<typeof parseAuth>;
  try {
    parsed = parseAuth(value, name.toLowerCase());
  } catch {
    const scheme = /^\s*([^\s,]+)/.exec(value)?.[1];
    return scheme ? `${scheme} ${REDACTED}` : REDACTED;
  }
  if (parsed.token68 !== undefined) return `${parsed.scheme} ${REDACTED}`;
  if (parsed.params.has('response')) parsed.params.set('response', REDACTED, true);
  return parsed.toString();
}
