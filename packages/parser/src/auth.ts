import { type Param, Params } from './params.js';
import { isToken, quote, Scanner, trimLws } from './scanner.js';

/**
 * A credentials or challenge value: WWW-Authenticate, Proxy-Authenticate, Authorization and
 * Proxy-Authorization (RFC 3261 section 25, RFC 7616, RFC 8898). `token68` holds a Bearer
 * token; `params` the comma-separated auth-params, quoted values resolved.
 */
export class AuthValue {
  constructor(
    /** The scheme as written (`Digest`, `Bearer`, ...); compare case-insensitively. */
    public scheme: string,
    /** The auth-params (`realm`, `nonce`, ...) with quotes resolved; empty for a token68 value. */
    public params: Params = new Params(),
    /** A token68 credential (a Bearer token); set instead of `params`. */
    public token68?: string,
  ) {}

  /** Shorthand for `params.get(name) ?? undefined`. */
  param(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  /** The header value as written on the wire; values that are not tokens, or were quoted, are quoted. */
  toString(): string {
    if (this.token68 !== undefined) return `${this.scheme} ${this.token68}`;
    const parts: string[] = [];
    for (const p of this.params) {
      parts.push(
        p.value === null ? p.name : `${p.name}=${p.quoted || !isToken(p.value) ? quote(p.value) : p.value}`,
      );
    }
    return `${this.scheme} ${parts.join(', ')}`;
  }
}

const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Parses `scheme [token68 | auth-param *(COMMA auth-param)]`. */
export function parseAuth(value: string, header = 'authorization'): AuthValue {
  const s = new Scanner(value, header);
  s.skipWs();
  const scheme = s.token('auth scheme');
  s.skipWs();
  const rest = trimLws(value.slice(s.pos));
  if (rest.length === 0) return new AuthValue(scheme);
  if (TOKEN68.test(rest) && !/^[^=]+=[^=]/.test(rest)) return new AuthValue(scheme, new Params(), rest);
  // Collected in a list, not with Params.set (which looks for the name first: quadratic).
  const list: Param[] = [];
  const seen = new Set<string>();
  do {
    const at = s.pos;
    const name = s.token('auth-param name');
    // Each parameter at most once (RFC 7235 section 2.1, which RFC 7616 digest builds on).
    if (seen.size === seen.add(name.toLowerCase()).size) s.fail(`duplicate auth-param '${name}'`, at);
    s.expect(61, "'='");
    if (s.peek() === 34) list.push({ name, value: s.quoted(), quoted: true });
    else list.push({ name, value: s.tokenOrHost('auth-param value'), quoted: false });
    s.skipWs();
  } while (s.eat(44));
  s.end();
  return new AuthValue(scheme, new Params(list));
}
