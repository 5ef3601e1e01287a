import { headerKey } from './header-names.js';
import type { Params } from './params.js';
import type { SipUri, Uri } from './uri.js';

/** URI parameters that must match when present in either URI (RFC 3261 section 19.1.4). */
const STRICT_PARAMS = ['user', 'ttl', 'method', 'maddr', 'transport'];

function lowerOrNull(v: string | null | undefined): string | null | undefined {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function sipParamsEqual(a: Params, b: Params): boolean {
  for (const name of STRICT_PARAMS) {
    if (lowerOrNull(a.get(name)) !== lowerOrNull(b.get(name))) return false;
  }
  // Any other parameter present in both must match; one present in only one is ignored.
  for (const p of a) {
    const other = b.get(p.name);
    if (other !== undefined && lowerOrNull(other) !== lowerOrNull(p.value)) return false;
  }
  return true;
}

function uriHeadersEqual(a: Params, b: Params): boolean {
  if (a.size !== b.size) return false;
  for (const p of a) {
    let found = false;
    for (const q of b) {
      if (headerKey(q.name) === headerKey(p.name) && q.value === p.value) found = true;
    }
    if (!found) return false;
  }
  return true;
}

function sipUriEquals(a: SipUri, b: SipUri): boolean {
  return (
    a.scheme === b.scheme &&
    a.user === b.user &&
    a.password === b.password &&
    a.host.toLowerCase() === b.host.toLowerCase() &&
    a.port === b.port &&
    sipParamsEqual(a.params, b.params) &&
    // Most URIs have no headers: do not make empty lists to compare.
    ((!a.hasHeaders && !b.hasHeaders) || uriHeadersEqual(a.headers, b.headers))
  );
}

/**
 * RFC 3261 section 19.1.4 URI equivalence: escapes resolved, user and password case-sensitive,
 * host case-insensitive, an absent port differs from an explicit one, `user`, `ttl`, `method`,
 * `maddr` and `transport` must agree, other parameters only when both carry them, and URI
 * headers must all match. `tel:` numbers compare without visual separators (RFC 3966 4).
 */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.kind === 'sip' && b.kind === 'sip') return sipUriEquals(a, b);
  if (a.kind === 'tel' && b.kind === 'tel') {
    const strip = (n: string) => n.replace(/[-.()]/g, '').toLowerCase();
    if (strip(a.number) !== strip(b.number) || a.params.size !== b.params.size) return false;
    for (const p of a.params) if (lowerOrNull(b.params.get(p.name)) !== lowerOrNull(p.value)) return false;
    return true;
  }
  if (a.kind === 'absolute' && b.kind === 'absolute') return a.scheme === b.scheme && a.opaque === b.opaque;
  return false;
}

/**
 * Header parameter equivalence (RFC 3261 section 7.3.1 and 20): the same set of names,
 * compared case-insensitively, values case-insensitive unless quoted.
 */
export function paramsEqual(a: Params, b: Params): boolean {
  if (a.size !== b.size) return false;
  for (const p of a) {
    if (!b.has(p.name)) return false;
    const other = b.get(p.name);
    if (p.quoted ? other !== p.value : lowerOrNull(other) !== lowerOrNull(p.value)) return false;
  }
  return true;
}
