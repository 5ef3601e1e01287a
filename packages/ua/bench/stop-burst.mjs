// Bindings left on the registrar after `SipStack.stop()`: registers N user agents on one SipStack
// over UDP against a stub registrar (a child process), 200 registrations in flight, then stops the
// stack and prints how long that took and how many un-REGISTERs the registrar answered with 200.
//
//   pnpm run build
//   node packages/ua/bench/stop-burst.mjs [--n 10000] [--concurrency 100,100000] [--start-window 200]
//
// `--start-window`: user agents started (and awaited until registered) at once; also printed is
// how long all N took to register.
// `--concurrency`: the stack's `stopConcurrency`, one run each; 100000 stops every user agent at
// once, as `stop()` did before the option (their un-REGISTERs overflow the loopback socket
// buffers, and those not through within the 2 s graceful shutdown leave their bindings).
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

if (args.includes('--registrar')) await registrar();
else await measure();

/** The stub registrar: 401 without credentials, else 200; counts the Call-IDs un-REGISTERed. */
async function registrar() {
  const { parseMessage, createResponse, serialize } = await import('@sipkit/parser');
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
      const n = (++nonce).toString(16).padStart(40, '0');
      res.headers.append(
        'WWW-Authenticate',
        `Digest realm="example.test", nonce="${n}", qop="auth", algorithm=MD5`,
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
}

async function measure() {
  const n = Number(arg('n', '10000'));
  const { fromJsSIP } = await import('@sipkit/config');
  const { parseUri } = await import('@sipkit/parser');
  const { SipStack, UserAgent } = await import('@sipkit/ua');
  const { nodeTransportFactory } = await import('@sipkit/ua/node');
  for (const concurrency of arg('concurrency', '100,100000').split(',').map(Number)) {
    const child = fork(fileURLToPath(import.meta.url), ['--registrar'], { stdio: 'inherit' });
    const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
    const servers = [{ uri: parseUri(`sip:127.0.0.1:${port};transport=udp`), transport: 'udp', weight: 0 }];
    const base = fromJsSIP(
      { uri: 'sip:base@example.test', password: 'x', sockets: ['ws://127.0.0.1'], register_expires: 3600 },
      { profile: 'sipkit' },
    );
    base.servers = servers;
    const stack = new SipStack({
      servers,
      transportFactory: nodeTransportFactory,
      stopConcurrency: concurrency,
    });
    await stack.start();
    let next = 0;
    const lane = async () => {
      while (next < n) {
        const i = next++;
        const ua = new UserAgent(base, {
          stack,
          identity: { aor: `sip:u${i}@example.test`, password: `pw${i}` },
        });
        await new Promise((resolve, reject) => {
          const off = ua.on('registration', (c) => {
            if (c.state === 'registered') resolve(off());
            else if (c.state === 'rejected') reject(new Error(`u${i} rejected`));
          });
          ua.start().catch(reject);
        });
      }
    };
    const startWindow = Number(arg('start-window', '200'));
    const t0 = performance.now();
    await Promise.all(Array.from({ length: Math.min(startWindow, n) }, lane));
    console.log(
      `registered ${n} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${startWindow} starts at once)`,
    );
    const started = performance.now();
    await stack.stop();
    const seconds = (performance.now() - started) / 1000;
    child.send('count');
    const { removed } = await new Promise((resolve) => child.once('message', resolve));
    child.disconnect();
    console.log(
      `stopConcurrency ${concurrency}: stack.stop() of ${n} took ${seconds.toFixed(1)} s; ` +
        `${removed} un-REGISTERs answered 200, ${n - removed} bindings left`,
    );
  }
}
