// Bindings left on the registrar after `SipStack.stop()`: registers N user agents on one SipStack
// over UDP against the stub registrar (stub-registrar.mjs, a child process), 200 registrations in
// flight, then stops the stack and prints how long that took and how many un-REGISTERs the
// registrar answered with 200.
//
//   pnpm run build
//   node packages/ua/bench/stop-burst.mjs [--n 10000] [--concurrency 100,100000] [--start-window 200]
//     [--start-concurrency 200]
//
// `--concurrency`: the stack's `stopConcurrency`, one run each; 100000 stops every user agent at
// once, as `stop()` did before the option (their un-REGISTERs overflow the loopback socket
// buffers, and those not through within the 2 s graceful shutdown leave their bindings).
// `--start-window`: user agents started at once (each awaited until registered); the time all N
// took to register is printed too. `--start-concurrency`: the stack's `startConcurrency` (how many
// first registrations at once; default 200, `Infinity` for none).
import { arg, startStubRegistrar } from './bench-setup.mjs';

await measure();

async function measure() {
  const n = Number(arg('n', '10000'));
  const { fromJsSIP } = await import('@sipkit/config');
  const { parseUri } = await import('@sipkit/parser');
  const { SipStack, UserAgent } = await import('@sipkit/ua');
  const { nodeTransportFactory } = await import('@sipkit/ua/node');
  for (const concurrency of arg('concurrency', '100,100000').split(',').map(Number)) {
    const { child, port } = await startStubRegistrar();
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
      startConcurrency: Number(arg('start-concurrency', '200')),
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
      `registered ${n} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${startWindow} starts at once, startConcurrency ${arg('start-concurrency', '200')})`,
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
