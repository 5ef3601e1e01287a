import type { SipResponse } from '@sipkit/parser';

/**
 * The 3GPP "mediasec" security agreement on REGISTER (RFC 3329 headers with the `mediasec`
 * option tag), as Asterisk runs it with `security_negotiation=mediasec`: offer the configured
 * mechanisms in `Security-Client`, learn the registrar's from `Security-Server` in a 401, 407 or
 * 494, and echo them in `Security-Verify` from then on; after a 494 the offer is left out.
 */
export class SecurityAgreement {
  private server: string[] | undefined;
  private after494 = false;
  private readonly client: string[];

  constructor(mechanisms: readonly string[]) {
    // Asterisk sends the mechanisms without their q-values.
    this.client = mechanisms.map((m) => m.replace(/;\s*q\s*=[^;]*/gi, '').trim());
  }

  /** True once the registrar's mechanisms are known (a resend after 494 can then verify them). */
  get verified(): boolean {
    return this.server !== undefined;
  }

  /** The Security-* and Require headers of the next REGISTER. */
  headers(): [string, string][] {
    const out: [string, string][] = [];
    for (const m of this.server ?? []) out.push(['Security-Verify', m]);
    if (!(this.server && this.after494)) for (const m of this.client) out.push(['Security-Client', m]);
    out.push(['Require', 'mediasec'], ['Proxy-Require', 'mediasec']);
    return out;
  }

  /** Takes what a response says about the agreement. */
  observe(response: SipResponse): void {
    const status = response.status;
    if (status === 401 || status === 407 || status === 494) {
      const offered = response.headers
        .getAll('security-server')
        .flatMap((v) => v.split(','))
        .map((m) => m.trim())
        .filter((m) => m !== '');
      if (offered.length > 0) this.server = offered;
    }
    this.after494 = status === 494;
  }
}
