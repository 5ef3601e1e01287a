/**
 * SIP.js adapter. SIP.js 0.21 keeps its parser internal (not exported from `sip.js` or
 * `sip.js/lib/core`); its UserAgent calls `Parser.parseMessage(messageString, logger)` from
 * `sip.js/lib/core/messages/parser.js` on every WebSocket text frame, so that module is
 * imported directly and given the same string input. The logger is only used on errors.
 *
 * Like JsSIP, SIP.js parses the start line, From, To, the top Via, Call-ID, CSeq, Contact,
 * Record-Route, Content-Length, Content-Type and a few more while parsing; full access adds the
 * remaining Vias through `parseHeader('via', i)`.
 */
import { createRequire } from 'node:module';
import { Parser } from 'sip.js/lib/core/messages/parser.js';

const require = createRequire(import.meta.url);

const logger = {
  warn(text) {
    throw new Error(`SIP.js parser: ${text}`);
  },
  error(text) {
    throw new Error(`SIP.js parser: ${text}`);
  },
};

function parse(text) {
  const msg = Parser.parseMessage(text, logger);
  if (msg === undefined) throw new Error('SIP.js could not parse the message');
  return msg;
}

function startLine(msg) {
  return msg.statusCode === undefined ? msg.method.length : msg.statusCode;
}

/** Same fields as the sipkit adapter, through SIP.js's own accessors. */
function access(msg) {
  let n = 0;
  const from = msg.from;
  n += from.uri.user.length + from.uri.host.length + (from.displayName ?? '').length + msg.fromTag.length;
  const to = msg.to;
  n += to.uri.user.length + to.uri.host.length + (to.displayName ?? '').length + (msg.toTag ?? '').length;
  const vias = msg.getHeaders('via').length;
  for (let i = 0; i < vias; i++) {
    const v = msg.parseHeader('via', i);
    n += v.host.length + (v.port ?? 0) + v.transport.length + v.branch.length;
  }
  n += msg.cseq + msg.parseHeader('cseq').method.length;
  n += msg.callId.length;
  const contacts = msg.getHeaders('contact').length;
  for (let i = 0; i < contacts; i++) {
    const uri = msg.parseHeader('contact', i).uri;
    n += uri.user.length + uri.host.length;
  }
  return n;
}

function fields(msg) {
  const nameAddr = (a, tag) => ({
    user: a.uri.user,
    host: a.uri.host,
    display: a.displayName ?? '',
    tag: tag ?? '',
  });
  return {
    start: msg.statusCode === undefined ? msg.method : msg.statusCode,
    from: nameAddr(msg.from, msg.fromTag),
    to: nameAddr(msg.to, msg.toTag),
    via: msg.getHeaders('via').map((_, i) => {
      const v = msg.parseHeader('via', i);
      return { host: v.host, port: v.port ?? 0, transport: v.transport, branch: v.branch };
    }),
    cseq: { seq: msg.cseq, method: msg.parseHeader('cseq').method },
    callId: msg.callId,
    contact: msg.getHeaders('contact').map((_, i) => {
      const uri = msg.parseHeader('contact', i).uri;
      return { user: uri.user, host: uri.host };
    }),
  };
}

export const sipjs = {
  id: 'sipjs',
  label: `SIP.js ${require('sip.js/package.json').version}`,
  input: 'string, as a WebSocket text frame delivers it',
  prepare: (corpus) => corpus.map((m) => m.text),
  parse,
  fields,
  access,
  headersOnly(inputs) {
    let n = 0;
    for (let i = 0; i < inputs.length; i++) n += startLine(parse(inputs[i]));
    return n;
  },
  fullAccess(inputs) {
    let n = 0;
    for (let i = 0; i < inputs.length; i++) n += access(parse(inputs[i]));
    return n;
  },
};
