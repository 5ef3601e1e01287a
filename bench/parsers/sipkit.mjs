/**
 * sipkit adapter. A sipkit transport hands the parser the bytes it read from the socket, so the
 * natural input is a Uint8Array. `fromString` is the same parser fed a WebSocket text frame
 * (a string) through TextEncoder, for a like-for-like view against the string parsers.
 */
import { parseMessage } from '@sipkit/parser';

const encoder = new TextEncoder();

/** Start line only: parseMessage finds the start line and every header boundary. */
function startLine(msg) {
  return msg.kind === 'request' ? msg.method.length : msg.status;
}

/**
 * Full access: From and To (URI user and host, display name, tag), every Via (host, port,
 * transport, branch), CSeq number and method, Call-ID, every Contact URI (user and host).
 * Returns a checksum of what it read; the three adapters must agree on it for every message.
 */
function access(msg) {
  let n = 0;
  const from = msg.from;
  n += from.uri.user.length + from.uri.host.length + (from.displayName ?? '').length + from.tag.length;
  const to = msg.to;
  n += to.uri.user.length + to.uri.host.length + (to.displayName ?? '').length + (to.tag ?? '').length;
  const vias = msg.via;
  for (let i = 0; i < vias.length; i++) {
    const v = vias[i];
    n += v.host.length + (v.port ?? 0) + v.transport.length + v.branch.length;
  }
  const cseq = msg.cseq;
  n += cseq.seq + cseq.method.length;
  n += msg.callId.length;
  const contacts = msg.contact;
  for (let i = 0; i < contacts.length; i++) n += contacts[i].uri.user.length + contacts[i].uri.host.length;
  return n;
}

/** The same fields as plain data, for checking that all parsers read the corpus alike. */
function fields(msg) {
  const nameAddr = (a) => ({
    user: a.uri.user,
    host: a.uri.host,
    display: a.displayName ?? '',
    tag: a.tag ?? '',
  });
  return {
    start: msg.kind === 'request' ? msg.method : msg.status,
    from: nameAddr(msg.from),
    to: nameAddr(msg.to),
    via: msg.via.map((v) => ({ host: v.host, port: v.port ?? 0, transport: v.transport, branch: v.branch })),
    cseq: { seq: msg.cseq.seq, method: msg.cseq.method },
    callId: msg.callId,
    contact: msg.contact.map((c) => ({ user: c.uri.user, host: c.uri.host })),
  };
}

/** sipkit fed bytes (what its transports deliver). */
export const sipkit = {
  id: 'sipkit',
  label: 'sipkit (bytes)',
  input: 'Uint8Array, as read from a socket',
  prepare: (corpus) => corpus.map((m) => encoder.encode(m.text)),
  parse: (input) => parseMessage(input),
  fields,
  access,
  headersOnly(inputs) {
    let n = 0;
    for (let i = 0; i < inputs.length; i++) n += startLine(parseMessage(inputs[i]));
    return n;
  },
  fullAccess(inputs) {
    let n = 0;
    for (let i = 0; i < inputs.length; i++) n += access(parseMessage(inputs[i]));
    return n;
  },
};

/** sipkit fed a string (a WebSocket text frame), encoded with TextEncoder on every message. */
export const sipkitFromString = {
  id: 'sipkit-string',
  label: 'sipkit (string + TextEncoder)',
  input: 'string, encoded to UTF-8 bytes per message',
  prepare: (corpus) => corpus.map((m) => m.text),
  parse: (input) => parseMessage(encoder.encode(input)),
  fields,
  access,
  headersOnly(inputs) {
    let n = 0;
    for (let i = 0; i < inputs.length; i++) n += startLine(parseMessage(encoder.encode(inputs[i])));
    return n;
  },
  fullAccess(inputs) {
    let n = 0;
    for (let i = 0; i < inputs.length; i++) n += access(parseMessage(encoder.encode(inputs[i])));
    return n;
  },
};
