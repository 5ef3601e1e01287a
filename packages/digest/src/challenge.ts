import { type AuthValue, type Headers, parseAuth, type SipResponse } from '@sipkit/parser';
import { AuthenticationError } from './errors.js';

/** Which header a challenge came in, and so which header the answer goes in. */
export type ChallengeHeader = 'www-authenticate' | 'proxy-authenticate';

/** The header that answers a challenge: Authorization for 401, Proxy-Authorization for 407. */
export type AuthorizationHeaderName = 'Authorization' | 'Proxy-Authorization';

/** One challenge with the header it came in. */
export interface Challenge {
  /** The header it came in. */
  header: ChallengeHeader;
  /** The parsed challenge. */
  value: AuthValue;
}

/** The answer header for a challenge header. */
export function answerHeader(header: ChallengeHeader): AuthorizationHeaderName {
  return header === 'www-authenticate' ? 'Authorization' : 'Proxy-Authorization';
}

/**
 * Every challenge of a 401/407 in header order: WWW-Authenticate lines first, then
 * Proxy-Authenticate. A line that does not parse is skipped so that one broken challenge does
 * not hide the others; when nothing usable is left the error says why.
 */
export function readChallenges(source: SipResponse | Headers | readonly Challenge[]): Challenge[] {
  if (Array.isArray(source)) return [...(source as readonly Challenge[])];
  const headers = 'headers' in source ? (source as SipResponse).headers : (source as Headers);
  const out: Challenge[] = [];
  let broken: unknown;
  for (const header of ['www-authenticate', 'proxy-authenticate'] as const) {
    for (const raw of headers.getAll(header)) {
      try {
        out.push({ header, value: parseAuth(raw, header) });
      } catch (e) {
        broken ??= e;
      }
    }
  }
  if (out.length === 0) {
    if (broken !== undefined) {
      throw new AuthenticationError('malformed-challenge', 'no challenge header parses', undefined, {
        cause: broken,
      });
    }
    throw new AuthenticationError('no-challenge', 'the response carries no WWW-/Proxy-Authenticate header');
  }
  return out;
}

/** Case-insensitive scheme test. */
export function isScheme(value: AuthValue, scheme: 'digest' | 'bearer'): boolean {
  return value.scheme.toLowerCase() === scheme;
}

/** The options of a raw `qop` parameter (`auth, auth-int`), lower-cased; empty when absent. */
export function qopList(raw: string | undefined): string[] {
  return raw === undefined
    ? []
    : raw
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s.length > 0);
}

/** A boolean auth-param such as `stale=true` or `userhash=true` (case-insensitive, RFC 7616). */
export function flag(value: AuthValue, name: string): boolean {
  return value.param(name)?.toLowerCase() === 'true';
}
