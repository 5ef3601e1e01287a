/**
 * Realm binding of credentials: undefined (or `*`) matches every realm, a pattern with `*`
 * matches any run of characters there, anything else matches exactly. Realms are
 * case-sensitive quoted strings (RFC 7616 section 3.3) unless `ignoreCase` (Asterisk).
 */
export function realmMatches(pattern: string | undefined, realm: string, ignoreCase = false): boolean {
  if (pattern === undefined || pattern === '*') return true;
  if (!pattern.includes('*'))
    return ignoreCase ? pattern.toLowerCase() === realm.toLowerCase() : pattern === realm;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's').test(realm);
}

/**
 * How closely a binding names a realm it matches: 2 exact, 1 a pattern, 0 any realm. With
 * several credentials for a realm the closest answers (Asterisk: an exact realm beats `*`).
 */
export function realmRank(pattern: string | undefined): number {
  return pattern === undefined || pattern === '*' ? 0 : pattern.includes('*') ? 1 : 2;
}
