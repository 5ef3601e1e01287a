/**
 * JsSIP adapter. JsSIP does not export its parser from the package root; its UA calls
 * `Parser.parseMessage(data, ua)` from `jssip/lib/Parser.js` on every WebSocket text frame, so
 * that is what runs here, with the same string input. The `ua` argument is only stored on
 * incoming requests (for replying), so an empty object stands in for it.
 *
 * JsSIP's parseMessage already parses the start line, From, To, the top Via, Call-ID, CSeq,
 * Contact, Record-Route, Content-Length, Content-Type and a few more with its PEG grammar; full
 * access adds the remaining Vias through `parseHeader('via', i)`.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Parser = require('jssip/lib/Parser.js');
const UA = {};

function parse(text) {
  const msg = Parser.parseMessage(text, UA);
  if (msg === undefined) throw new Error('JsSIP could not parse the message');
  return msg;
}

function startLine(msg) {
  return msg.status_code === undefined ? msg.method.length : msg.status_code;
}

/** Same fields as the sipkit adapter, through JsSIP's own accessors. */
function access(msg) {
  let n = 0;
  const from = msg.from;
  n += from.uri.user.length + from.uri.host.length + (from.display_name ?? '').length + msg.from_tag.length;
  const to = msg.to;
  n += to.uri.user.length + to.uri.host.length + (to.display_name ?? '').length + (msg.to_tag ?? '').length;
  const vias = msg.getHeaders('via').length;
  for (let i = 0; i < vias; i++) {
    const v = msg.parseHeader('via', i);
    n += v.host.length + (v.port ?? 0) + v.transport.length + v.branch.length;
  }
  const cseq = msg.parseHeader('cseq');
  n += cseq.value + cseq.method.length;
  n += msg.call_id.length;
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
    display: a.display_name ?? '',
    tag: tag ?? '',
  });
  return {
    start: msg.status_code === undefined ? msg.method : msg.status_code,
    from: nameAddr(msg.from, msg.from_tag),
    to: nameAddr(msg.to, msg.to_tag),
    via: msg.getHeaders('via').map((_, i) => {
      const v = msg.parseHeader('via', i);
      return { host: v.host, port: v.port ?? 0, transport: v.transport, branch: v.branch };
    }),
    cseq: { seq: msg.parseHeader('cseq').value, method: msg.parseHeader('cseq').method },
    callId: msg.call_id,
    contact: msg.getHeaders('contact').map((_, i) => {
      const uri = msg.parseHeader('contact', i).uri;
      return { user: uri.user, host: uri.host };
    }),
  };
}

export const jssip = {
  id: 'jssip',
  label: `JsSIP ${require('jssip/package.json').version}`,
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
