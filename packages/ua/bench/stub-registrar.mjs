// A stub UDP registrar for the benchmarks in this folder, run as a child process so that its
// state stays out of the measured heap: 401 to a REGISTER without credentials (nonce and opaque
// as long as Kamailio's, 40 and 32 hex digits), else 200 echoing the Contacts. It sends its port
// to the parent once bound; on any message from the parent it answers with `{ removed }`, how
// many Call-IDs it has seen un-REGISTER (Expires 0). It exits when the parent disconnects.
import { createSocket } from 'node:dgram';
import { createResponse, parseMessage, serialize } from '@sipkit/parser';

const socket = createSocket('udp4');
let nonce = 0;
const removed = new Set();
socket.on('message', (buf, rinfo) => {
  let req;
  try {
    req = parseMessage(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch {
    return;
  }
  if (req.kind !== 'request') return;
  let res;
  if (req.method === 'REGISTER' && !req.headers.has('authorization')) {
    res = createResponse(req, 401, { toTag: 'stub' });
    res.headers.append(
      'WWW-Authenticate',
      `Digest realm="example.test", nonce="${(++nonce).toString(16).padStart(40, '0')}", ` +
        `opaque="${nonce.toString(16).padStart(32, 'f')}", qop="auth", algorithm=MD5`,
    );
  } else {
    res = createResponse(req, 200, { toTag: 'stub' });
    if (req.method === 'REGISTER') {
      const expires = req.expires ?? 3600;
      if (expires === 0) removed.add(req.callId);
      for (const c of req.contact)
        if (c !== '*' && expires > 0) res.headers.append('Contact', `<${c.uri}>;expires=${expires}`);
    }
  }
  socket.send(serialize(res), rinfo.port, rinfo.address);
});
socket.bind(0, '127.0.0.1', () => process.send({ port: socket.address().port }));
process.on('message', () => process.send({ removed: removed.size }));
process.on('disconnect', () => process.exit(0));
