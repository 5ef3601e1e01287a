import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Headers, parseMessage, type SipMessage, type SipRequest, SipResponse } from '@sipkit/parser';
import type { Endpoint, Transport } from '@sipkit/transport';
import { nextEvent } from './helpers.js';

/** A throw-away self-signed certificate for 127.0.0.1, ::1 and localhost, made with the openssl CLI. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sipkit-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
      ],
      { stdio: 'pipe' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } catch (err) {
    throw new Error(`the TLS tests need the openssl command line tool: ${(err as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
