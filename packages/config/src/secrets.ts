/** The key Node's `util.inspect` (and so `console.log`) looks up for a custom rendering. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '<redacted>';
/** Fields of a credential that hold a secret; `ha1` holds one per algorithm. */
const SECRET = new Set(['password', 'authorization']);

/** A copy of a credential with every secret value (each HA1 too) replaced by `<redacted>`. */
function redacted(target: object, all = false): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const key in out) {
    if (key === 'ha1' && !all) out[key] = redacted(out[key] as object, true);
    else if (out[key] !== undefined && (all || SECRET.has(key))) out[key] = REDACTED;
  }
  return out;
}

/**
 * Gives a credential object (a `DigestCredential` or `BearerCredential`) a JSON form and a
 * `util.inspect` form that show `<redacted>` for its password, HA1 values and header value, so logging a whole config does not print them. Both are non-enumerable: the plain data
 * reads as before. A frozen object, or one that has them already, is left as it is. Returns
 * `credential`.
 */
export function hideSecrets<T extends object>(credential: T): T {
  if (!Object.isExtensible(credential) || Object.hasOwn(credential, INSPECT)) return credential;
  const view = () => redacted(credential);
  Object.defineProperties(credential, { toJSON: { value: view }, [INSPECT]: { value: view } });
  return credential;
}
