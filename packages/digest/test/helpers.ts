import { Headers, parseMessage, type SipResponse } from '@sipkit/parser';

/** A random source that counts up, so every run gives the same bytes but no two calls repeat. */
export function countingRandom(seed = 1): (n: number) => Uint8Array {
  let next = seed;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = next++ & 0xff;
    return out;
  };
}

/** A random source that hands out the given byte arrays in turn. */
export function fixedRandom(...chunks: Uint8Array[]): (n: number) => Uint8Array {
  let i = 0;
  return (n) => {
    const chunk = chunks[i++ % chunks.length]!;
    if (chunk.length !== n) throw new Error(`asked for ${n} random bytes, have ${chunk.length}`);
    return chunk;
  };
}

/** A 401/407 response parsed from wire text, with the given challenge header lines. */
export function challengeResponse(lines: string[], status = 401): SipResponse {
  const text =
    `SIP/2.0 ${status} Unauthorized\r\n` +
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n' +
    'From: <sip:alice@example.com>;tag=1\r\n' +
    'To: <sip:alice@example.com>;tag=2\r\n' +
    'Call-ID: c1\r\n' +
    'CSeq: 1 REGISTER\r\n' +
    lines.map((l) => `${l}\r\n`).join('') +
    'Content-Length: 0\r\n\r\n';
  const msg = parseMessage(new TextEncoder().encode(text));
  if (msg.kind !== 'response') throw new Error('not a response');
  return msg;
}

/** A plain request shape with headers, as the client and verifier take it. */
export function request(method: string, uri: string, body?: string, headers = new Headers()) {
  return {
    method,
    uri,
    headers,
    ...(body !== undefined ? { body: new TextEncoder().encode(body) } : {}),
  };
}
