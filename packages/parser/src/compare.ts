import { headerKey } from './header-names.js';
import type { Param, Params } from './params.js';
import type { SipUri, Uri } from './uri.js';

/** URI parameters that must match when present in either URI (RFC 3261 section 19.1.4). */
const STRICT_PARAMS = ['user', 'ttl', 'method', 'maddr', 'transport'];

function lowerOrNull(v: string | null | undefined): string | null | undefined {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

/** The first parameter of each name (lower-cased), as {@link Params.get} finds them. */
function byName(p: Params): Map<string, Param> {
  return new Map([...p].reverse().map((x) => [x.name.toLowerCase(), x]));
}

function sipParamsEqual(a: Params, b: Params): boolean {
  const x = byName(a);
  const y = byName(b);
  for (const name of STRICT_PARAMS) {
    if (lowerOrNull(x.get(name)?.value) !== lowerOrNull(y.get(name)?.value)) return false;
  }
  // Any other parameter present in both must match; one present in only one is ignored.
  for (const [name, p] of x) {
    const q = y.get(name);
    if (q !== undefined && lowerOrNull(q.value) !== lowerOrNull(p.value)) return false;
  }
  return true;
}

/**
 * URI headers as one string that two lists share exactly when each header of one matches one of
 * the other: names as header names (compact forms, any case), values exactly, repeats counted.
 */
function headerSet(p: Params): string {
  return [...p]
    .map((x) => JSON.stringify([headerKey(x.name), x.value]))
    .sort()
    .join();
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
    ((!a.hasHeaders && !b.hasHeaders) || headerSet(a.headers) === headerSet(b.headers))
  );
}

/**
 * RFC 3261 section 19.1.4 URI equivalence: escapes resolved, user and password case-sensitive,
 * host case-insensitive, an absent port differs from an explicit one, `user`, `ttl`, `method`,
 * `maddr` and `transport` must agree, other parameters only when both carry them, and URI
 * headers must all match. `tel:` numbers compare without visual separators (RFC 3966 4).
 * Symmetric, and takes O(n log n) time in the number of parameters and headers.
 */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.kind === 'sip' && b.kind === 'sip') return sipUriEquals(a, b);
  if (a.kind === 'tel' && b.kind === 'tel') {
    const strip = (n: string) => n.replace(/[-.()]/g, '').toLowerCase();
    // URI parameters are never quoted: values compare ignoring case.
    return strip(a.number) === strip(b.number) && paramsEqual(a.params, b.params);
  }
  if (a.kind === 'absolute' && b.kind === 'absolute') return a.scheme === b.scheme && a.opaque === b.opaque;
  return false;
}

/**
 * Header parameter equivalence (RFC 3261 section 7.3.1 and 20): the same set of names, compared
 * case-insensitively (a repeated name counts once, with its first value); a token value compares
 * case-insensitively, a quoted-string one exactly, so a value quoted on either side must be
 * exactly equal (`;x=abc` and `;x="abc"` match, `;x="ABC"` does not). Symmetric, and linear in
 * the number of parameters (give or take a hash lookup).
 */
export function paramsEqual(a: Params, b: Params): boolean {
  const x = byName(a);
  const y = byName(b);
  if (x.size !== y.size) return false;
  for (const [name, p] of x) {
    const q = y.get(name);
    if (q === undefined) return false;
    if (p.quoted || q.quoted ? p.value !== q.value : lowerOrNull(p.value) !== lowerOrNull(q.value))
      return false;
  }
  return true;
}
