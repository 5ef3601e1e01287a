/** The key Node's `util.inspect` (and so `console.log`) looks up for a custom rendering. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '<redacted>';
/** Fields of a credential that hold a secret; `ha1` holds one per algorithm. */
const SECRET = new Set(['password', 'authorization', 'token']);

/** A copy of a credential with every secret value replaced by `<redacted>`. */
function redacted(target: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    if (value === undefined) continue;
    if (key === 'ha1' && typeof value === 'object' && value !== null)
      out[key] = Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
    else out[key] = SECRET.has(key) ? REDACTED : value;
  }
  return out;
}

/**
 * Gives a credential object (a `DigestCredential` or `BearerCredential`) a JSON form and a
 * `util.inspect` form that show `<redacted>` for its password, HA1 values, header value and
 * token, so logging a whole config does not print them. Both are non-enumerable: the plain data
 * reads as before. A frozen object, or one that has them already, is left as it is. Returns
 * `credential`.
 */
export function hideSecrets<T extends object>(credential: T): T {
  if (!Object.isExtensible(credential) || Object.hasOwn(credential, INSPECT)) return credential;
  const view = () => redacted(credential);
  Object.defineProperty(credential, 'toJSON', { value: view, configurable: true });
  Object.defineProperty(credential, INSPECT, { value: view, configurable: true });
  return credential;
}
