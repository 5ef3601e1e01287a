// Heap per idle registered user agent: registers N user agents over UDP against a stub registrar
// (stub-registrar.mjs, a child process, so its bindings stay out of this heap) and prints
// (heapUsed after - heapUsed before) / N, both read after forced GCs, and how much of it the N
// configs themselves take (they are made after the baseline, so they are counted).
//
//   pnpm run build
//   node --expose-gc packages/ua/bench/heap-per-ua.mjs [--mode stack|socket] [--n 1000,10000]
//        [--window 100] [--warmup 1000] [--profile sipkit|jssip|...] [--with-identity] [--snapshot]
//
// `stack`: every user agent shares one SipStack (one socket, one transaction layer).
// `socket`: every user agent has its own socket and transaction layer (no `stack` option).
// Every user agent runs one base config with its own `identity` option (AOR and password); with
// `--with-identity` each gets a config of its own from `withIdentity` instead.
// `--window`: registrations in flight at once (more overflows the loopback socket buffers).
// `--warmup`: user agents registered and stopped before the baseline, so JIT code is not counted.
// `--snapshot`: writes heap snapshots before and after, for a diff in Chrome DevTools.
import { arg, flag, startStubRegistrar } from './bench-setup.mjs';

await measure();

async function measure() {
  if (typeof gc !== 'function') throw new Error('run with node --expose-gc');
  const mode = arg('mode', 'stack');
  const sizes = arg('n', '1000').split(',').map(Number);
  const window = Number(arg('window', '100'));
  const { child, port } = await startStubRegistrar();
  const { fromJsSIP } = await import('@sipkit/config');
  const { parseUri } = await import('@sipkit/parser');
  const ua = await import('@sipkit/ua');
  const { nodeTransportFactory } = await import('@sipkit/ua/node');

  const servers = [{ uri: parseUri(`sip:127.0.0.1:${port};transport=udp`), transport: 'udp', weight: 0 }];
  const base = fromJsSIP(
    {
      uri: 'sip:base@example.test',
      password: 'x',
      sockets: ['ws://127.0.0.1'],
      register_expires: 3600,
    },
    { profile: arg('profile', 'sipkit') },
  );
  // JsSIP names WebSocket servers only: the registrar is on UDP (a property set, not a spread copy).
  base.servers = servers;
  const ownConfigs = flag('with-identity');
  const configFor = (i) => {
    const identity = { aor: `sip:u${i}@example.test`, password: `pw${i}` };
    return ownConfigs ? { config: ua.withIdentity(base, identity) } : { config: base, identity };
  };

  const stack =
    mode === 'stack' ? new ua.SipStack({ servers, transportFactory: nodeTransportFactory }) : undefined;
  await stack?.start();
  const options = stack ? { stack } : { transportFactory: nodeTransportFactory };

  const agents = [];
  let next = 0;
  /** Registers one user agent per config, keeping `window` registrations in flight. */
  async function registerMany(configs) {
    const started = performance.now();
    let i = 0;
    const one = async () => {
      const config = configs[i];
      configs[i++] = undefined;
      const agent = new ua.UserAgent(config.config, { ...options, identity: config.identity });
      agents.push(agent);
      const registered = new Promise((resolve, reject) => {
        const off = agent.on('registration', (c) => {
          if (c.state === 'registered') {
            off();
            resolve();
          } else if (c.state === 'rejected') reject(new Error(`${agent.config.identity.aor} rejected`));
        });
      });
      await agent.start();
      await registered;
    };
    const lane = async () => {
      while (i < configs.length) await one();
    };
    await Promise.all(Array.from({ length: Math.min(window, configs.length) }, lane));
    return performance.now() - started;
  }

  /** Stops user agents `window` at a time: ten thousand un-REGISTERs at once overflow the socket buffers. */
  async function stopAll(list) {
    for (let i = 0; i < list.length; i += window)
      await Promise.all(list.slice(i, i + window).map((a) => a.stop()));
  }

  const settle = async () => {
    // Completed client transactions linger for Timer K (5 s on UDP); then collect everything.
    await new Promise((r) => setTimeout(r, 5500));
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    return process.memoryUsage().heapUsed;
  };

  const makeConfigs = (n) => Array.from({ length: n }, () => configFor(next++));
  // Warm-up: user agents registered and stopped again, so the code the JIT compiles on the way
  // (a one-off cost of 1 to 2 MiB) is in the baseline rather than charged to the first N.
  const warmup = Number(arg('warmup', '1000'));
  await registerMany(makeConfigs(warmup));
  await stopAll(agents.splice(0));
  const before = await settle();
  const snapshot = flag('snapshot') ? (await import('node:v8')).writeHeapSnapshot : undefined;
  if (snapshot) console.log('snapshot before', snapshot());
  let total = 0;
  next = 0;
  let configBytes = 0;
  console.log(`mode ${mode}, ${warmup} user agents registered and stopped before the baseline`);
  for (const n of sizes) {
    const add = n - total;
    const withoutConfigs = await settle();
    const configs = makeConfigs(add);
    configBytes += (await settle()) - withoutConfigs;
    const ms = await registerMany(configs);
    total += add;
    const after = await settle();
    const perUa = (after - before) / total;
    const perConfig = configBytes / total;
    console.log(
      `N=${total}: ${perUa.toFixed(0)} bytes/UA, of which ${perConfig.toFixed(0)} its config or identity ` +
        `(heapUsed ${(after / 2 ** 20).toFixed(1)} MiB); registered ${add} in ${(ms / 1000).toFixed(2)} s`,
    );
  }
  if (snapshot) console.log('snapshot after', snapshot());
  const stopped = performance.now();
  await stopAll(agents);
  await stack?.stop();
  console.log(`stopped ${agents.length} in ${((performance.now() - stopped) / 1000).toFixed(2)} s`);
  child.disconnect();
}
