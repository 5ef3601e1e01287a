import type { DigestVerifier } from '@sipkit/digest';
import { createResponse, type SipRequest, type SipResponse } from '@sipkit/parser';
import type { Binding, LocationService } from './location-service.js';

/** What the REGISTER handler needs from its registrar. */
export interface RegisterContext {
  domain: string;
  location: LocationService;
  verifier: DigestVerifier;
  /** Clock time in ms (expiry). */
  now(): number;
  /** Wall-clock time in ms since the epoch (the Date header). */
  wallTime(): number;
  /** Random token for To tags and GRUUs. */
  token(): string;
  /** Flow-Timer seconds sent with `Require: outbound` (RFC 5626 section 5.4); none when undefined. */
  flowTimer?: number;
}

function options(req: SipRequest): Set<string> {
  return new Set(req.headers.typed('supported').map((t) => t.toLowerCase()));
}

/** RFC 1123 date for the Date header of a 200 (RFC 3261 section 10.3 step 8). */
function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

function contactLine(b: Binding, now: number, gruu: string | undefined, aor: string): string {
  const copy = b.contact.clone();
  copy.params.set('expires', String(Math.max(0, Math.round((b.expiresAt - now) / 1000))));
  if (gruu !== undefined && b.instance !== undefined) {
    copy.params.set('pub-gruu', `${aor};gr=${b.instance}`, true);
    copy.params.set('temp-gruu', `sip:tgruu.${gruu}@${aor.split('@')[1]};gr`, true);
  }
  return copy.toString();
}

/**
 * Handles REGISTER as a registrar does (RFC 3261 section 10.3): the AOR must be in our domain
 * (404), the request must carry credentials we verify (401 with digest challenges), the
 * authenticated user must own the AOR (403), then the location service applies the bindings
 * (423 with Min-Expires, 400, 500), and the 200 lists every binding with its expiry. Outbound
 * (RFC 5626), GRUU (RFC 5627) and Path (RFC 3327) are honoured when the UA supports them.
 */
export async function handleRegister(ctx: RegisterContext, req: SipRequest): Promise<SipResponse> {
  const toTag = ctx.token();
  const to = req.to!;
  if (to.uri.kind !== 'sip' || to.uri.user === undefined) {
    return createResponse(req, 400, {
      toTag,
      reason: 'Address of record must be a sip: or sips: URI with a user',
    });
  }
  if (to.uri.host.toLowerCase() !== ctx.domain)
    return createResponse(req, 404, { toTag, reason: 'Not Our Domain' });
  const verdict = await ctx.verifier.verify(req);
  if (!verdict.ok) {
    const res = createResponse(req, verdict.status, { toTag });
    for (const c of verdict.challenges) res.headers.append(verdict.header, c);
    return res;
  }
  if (verdict.username !== to.uri.user)
    return createResponse(req, 403, { toTag, reason: 'Not Your Address Of Record' });
  const aor = `sip:${to.uri.user}@${ctx.domain}`;
  const supported = options(req);
  const outbound = supported.has('outbound');
  const now = ctx.now();
  const outcome = ctx.location.apply(aor, req, now, outbound);
  if (outcome.status === 423) {
    return createResponse(req, 423, { toTag, headers: [['Min-Expires', String(outcome.minExpires)]] });
  }
  if (outcome.status !== 200) return createResponse(req, outcome.status, { toTag, reason: outcome.reason });
  const gruu = supported.has('gruu') ? ctx.token() : undefined;
  const headers: [string, string][] = outcome.bindings.map((b) => [
    'Contact',
    contactLine(b, now, gruu, aor),
  ]);
  headers.push(['Date', httpDate(ctx.wallTime())]);
  if (outbound && outcome.bindings.some((b) => b.instance !== undefined)) {
    headers.push(['Require', 'outbound']);
    if (ctx.flowTimer !== undefined) headers.push(['Flow-Timer', String(ctx.flowTimer)]);
  }
  if (supported.has('path')) for (const p of req.headers.getAll('path')) headers.push(['Path', p]);
  return createResponse(req, 200, { toTag, headers });
}
