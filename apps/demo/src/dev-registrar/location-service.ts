import { type NameAddr, type SipRequest, uriEquals } from '@sipkit/parser';

/** One registered contact of an address-of-record. */
export interface Binding {
  contact: NameAddr;
  callId: string;
  cseq: number;
  /** Clock time (ms) at which the binding lapses. */
  expiresAt: number;
  /** RFC 5626 flow identity: `+sip.instance` and `reg-id`, when both were sent with outbound. */
  instance?: string;
  regId?: number;
  /** Path header values stored with the binding (RFC 3327). */
  path: string[];
}

/** Expiry limits of the registrar (RFC 3261 section 10.3 step 7). */
export interface ExpiryPolicy {
  minExpires: number;
  maxExpires: number;
  defaultExpires: number;
}

/** What applying a REGISTER decided. */
export type RegisterOutcome =
  | { status: 200; bindings: Binding[] }
  | { status: 423; minExpires: number }
  | { status: 400; reason: string }
  | { status: 500; reason: string };

/**
 * The location service of a registrar: bindings per address-of-record, kept in a Map and
 * expired lazily (no timer per binding, so it stays cheap with thousands of user agents).
 */
export class LocationService {
  private readonly table = new Map<string, Binding[]>();

  constructor(private readonly policy: ExpiryPolicy) {}

  /** Live bindings of `aor` at time `now`, dropping lapsed ones. */
  bindings(aor: string, now: number): Binding[] {
    const list = this.table.get(aor);
    if (!list) return [];
    const live = list.filter((b) => b.expiresAt > now);
    if (live.length === 0) this.table.delete(aor);
    else if (live.length !== list.length) this.table.set(aor, live);
    return live;
  }

  /** Number of addresses-of-record with at least one binding (lapsed ones may still count until read). */
  get size(): number {
    return this.table.size;
  }

  /** Applies a REGISTER for `aor` (RFC 3261 section 10.3 steps 6-8) at time `now`. */
  apply(aor: string, req: SipRequest, now: number, outbound: boolean): RegisterOutcome {
    const contacts = req.contact;
    const callId = req.callId!;
    const cseq = req.cseq!.seq;
    const headerExpires = req.expires;
    const current = this.bindings(aor, now);
    if (contacts.length === 0) return { status: 200, bindings: current };
    if (contacts.includes('*')) {
      if (contacts.length !== 1 || headerExpires !== 0) {
        return { status: 400, reason: 'Contact * needs Expires: 0 and no other Contact' };
      }
      for (const b of current) {
        if (b.callId === callId && cseq <= b.cseq) return { status: 500, reason: 'Out of order CSeq' };
      }
      this.table.delete(aor);
      return { status: 200, bindings: [] };
    }
    const next = [...current];
    const path = req.headers.getAll('path');
    for (const c of contacts as NameAddr[]) {
      const expires = c.expires ?? headerExpires ?? this.policy.defaultExpires;
      if (expires > 0 && expires < this.policy.minExpires)
        return { status: 423, minExpires: this.policy.minExpires };
      const instance = outbound && c.regId !== undefined ? c.instance : undefined;
      const i = next.findIndex((b) =>
        instance !== undefined
          ? b.instance === instance && b.regId === c.regId
          : uriEquals(b.contact.uri, c.uri),
      );
      const existing = i >= 0 ? next[i] : undefined;
      if (existing && existing.callId === callId && cseq <= existing.cseq) {
        return { status: 500, reason: 'Out of order CSeq' };
      }
      if (expires === 0) {
        if (i >= 0) next.splice(i, 1);
        continue;
      }
      const binding: Binding = {
        contact: c,
        callId,
        cseq,
        expiresAt: now + Math.min(expires, this.policy.maxExpires) * 1000,
        instance,
        regId: instance !== undefined ? c.regId : undefined,
        path,
      };
      if (i >= 0) next[i] = binding;
      else next.push(binding);
    }
    if (next.length === 0) this.table.delete(aor);
    else this.table.set(aor, next);
    return { status: 200, bindings: next };
  }
}
