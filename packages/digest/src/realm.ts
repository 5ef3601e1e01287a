/**
 * Realm binding of credentials: undefined (or `*`) matches every realm, a pattern with `*`
 * matches any run of characters there, anything else matches exactly. Realms are
 * case-sensitive quoted strings (RFC 7616 section 3.3).
 */
export function realmMatches(pattern: string | undefined, realm: string): boolean {
  if (pattern === undefined || pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === realm;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(realm);
}
