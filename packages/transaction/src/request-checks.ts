import { type SipRequest, validateMessage } from '@sipkit/parser';

/**
 * Whether the element is a user agent or a proxy. It changes two answers: only a proxy
 * answers Max-Forwards: 0 with 483 (a UAS processes it normally, RFC 3261 sections 8.2 and
 * 16.3), and a proxy checks Proxy-Require where a UAS checks Require.
 */
export type ElementRole = 'ua' | 'proxy';

/** What {@link checkRequest} accepts. */
export interface RequestCheckOptions {
  /** Default `ua`. */
  role?: ElementRole;
  /** Option tags this element supports (compared case-insensitively). Default: none. */
  supported?: readonly string[];
  /** Request-URI schemes this element handles. Default `sip`, `sips`, `tel`. */
  schemes?: readonly string[];
}

/** Why a request is answered by the transaction layer instead of reaching the TU. */
export interface RequestRejection {
  /**
   * Status to answer with: 400 malformed request, 416 unsupported Request-URI scheme, 420
   * unsupported required extension, 483 Max-Forwards exhausted (proxy only).
   */
  status: 400 | 416 | 420 | 483;
  /** Reason phrase for the response; says what was wrong for 400. */
  reason: string;
  /** Extra header lines for the response (Unsupported for 420). */
  headers: [string, string][];
}

const DEFAULT_SCHEMES = ['sip', 'sips', 'tel'];

/**
 * The checks RFC 3261 sections 8.2.1-8.2.2 and 16.3 put before the transaction user sees a
 * request: whatever the parser's `validateMessage` refuses (malformed or missing mandatory
 * headers, conflicting single-valued headers, CSeq method mismatch) gives 400; an unknown Request-URI scheme gives 416;
 * unknown required extensions give 420 with Unsupported; a proxy answers Max-Forwards 0 with 483.
 * Returns undefined when the request may go on. ACK is never answered, so callers drop an ACK
 * that fails instead of responding.
 */
export function checkRequest(
  req: SipRequest,
  options: RequestCheckOptions = {},
): RequestRejection | undefined {
  const problem = validateMessage(req);
  if (problem) return { status: 400, reason: problem.reason, headers: [] };
  const h = req.headers;

  const role = options.role ?? 'ua';
  if (role === 'proxy' && req.maxForwards === 0) return { status: 483, reason: 'Too Many Hops', headers: [] };

  const schemes = options.schemes ?? DEFAULT_SCHEMES;
  if (!schemes.includes(req.uri.scheme.toLowerCase()))
    return { status: 416, reason: 'Unsupported URI Scheme', headers: [] };

  // Section 8.2.2.3: Require is not examined for ACK and CANCEL.
  if (req.method !== 'ACK' && req.method !== 'CANCEL') {
    const supported = new Set((options.supported ?? []).map((t) => t.toLowerCase()));
    const required = h.typed(role === 'proxy' ? 'proxy-require' : 'require');
    const unknown = required.filter((t) => !supported.has(t.toLowerCase()));
    if (unknown.length > 0)
      return { status: 420, reason: 'Bad Extension', headers: [['Unsupported', unknown.join(', ')]] };
  }
  return undefined;
}
