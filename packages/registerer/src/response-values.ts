import { NameAddr, parseAuth, type SipResponse } from '@sipkit/parser';

// Header values are parsed lazily and a malformed one throws; for a registration client a
// malformed optional header means "absent", never a crash.
function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The response's `Expires` header in seconds, if present and valid. */
export function headerExpires(res: SipResponse): number | undefined {
  return safe(() => res.headers.first('expires'));
}

/** The `Min-Expires` header of a 423, if present and valid. */
export function minExpires(res: SipResponse): number | undefined {
  return safe(() => res.headers.first('min-expires'));
}

/** The delta-seconds of `Retry-After`, if present and valid. */
export function retryAfter(res: SipResponse): number | undefined {
  return safe(() => res.headers.first('retry-after'))?.value;
}

/** Contact bindings of a 2xx (`*` dropped, a malformed header gives none). */
export function contactsOf(res: SipResponse): NameAddr[] {
  return (safe(() => res.contact) ?? []).filter((c): c is NameAddr => c instanceof NameAddr);
}

/** True when the first challenge of a 401/407 says `stale=true`. */
export function isStale(res: SipResponse): boolean {
  return challengeParam(res, 'stale')?.toLowerCase() === 'true';
}

/** A parameter (`stale`, `realm`) of the first challenge of a 401/407. */
export function challengeParam(res: SipResponse, param: string): string | undefined {
  const name = res.status === 407 ? 'proxy-authenticate' : 'www-authenticate';
  return safe(() => res.headers.first(name))?.param(param);
}

/**
 * Every challenge of a 401/407 (WWW- and Proxy-Authenticate) as `header realm` keys, and whether
 * any is a Digest one, any a Bearer one; a value that does not parse is left out.
 */
export function challengeRealms(res: SipResponse): { keys: string[]; digest: boolean; bearer: boolean } {
  const keys: string[] = [];
  let digest = false;
  let bearer = false;
  for (const header of ['www-authenticate', 'proxy-authenticate']) {
    for (const raw of res.headers.getAll(header)) {
      const value = safe(() => parseAuth(raw, header));
      if (!value) continue;
      const scheme = value.scheme.toLowerCase();
      digest ||= scheme === 'digest';
      bearer ||= scheme === 'bearer';
      keys.push(`${header} ${value.param('realm') ?? ''}`);
    }
  }
  return { keys, digest, bearer };
}

/** Raw values of a header (Service-Route, Path), empty when absent. */
export function rawValues(res: SipResponse, name: string): string[] {
  return res.headers.getAll(name);
}

/** True when the 2xx says `Require: outbound` (RFC 5626: outbound is in effect). */
export function requiresOutbound(res: SipResponse): boolean {
  return (safe(() => res.headers.typed('require')) ?? []).some((t) => t.toLowerCase() === 'outbound');
}
