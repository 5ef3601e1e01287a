import { readFileSync } from 'node:fs';
import { Headers, parseMessage, type SipMessage, type SipRequest, SipResponse } from '@sipkit/parser';
import type { Endpoint, Transport } from '@sipkit/transport';
import { nextEvent } from './helpers.js';

/**
 * A self-signed test certificate for 127.0.0.1, ::1 and localhost (valid until 2126), kept in
 * `fixtures/` so the TLS tests need no openssl command on the machine. Test use only.
 */
export function selfSignedCert(): { key: string; cert: string } {
  const read = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return { key: read('localhost-key.pem'), cert: read('localhost-cert.pem') };
}

/** A 200 OK answering `req`, copying the headers RFC 3261 section 8.2.6.2 says to copy. */
export function okFor(req: SipRequest, extra: Record<string, string> = {}): SipResponse {
  const h = new Headers();
  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) {
    for (const v of req.headers.getAll(name)) h.append(name, v);
  }
  for (const [k, v] of Object.entries(extra)) h.append(k, v);
  return new SipResponse(200, 'OK', h);
}

/** Waits for the next message on `t`, with its source. */
export function nextMessage(t: Transport, ms = 5000): Promise<{ msg: SipMessage; source: Endpoint }> {
  return nextEvent((fn) => t.on('message', (msg, source) => fn({ msg, source })), ms);
}

/** Encodes text as the bytes of a message. */
export const bytes = (s: string) => new TextEncoder().encode(s);

/** Parses text (datagram rules) into a message. */
export const msgOf = (s: string) => parseMessage(bytes(s));

/** Polls `cond` every 5 ms for up to `ms` real milliseconds (for socket events we cannot await directly). */
export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
