/**
 * The embedded development registrar (`DevRegistrar` of apps/demo) in its own Node process, so
 * its heap and CPU are not counted in the user agents' process. Run as a child: it serves UDP
 * (and WebSocket when asked) on free loopback ports for users `<prefix>0` .. `<prefix>{n-1}`
 * with password `pw-<user>` (the scheme bench/kamailio/scale.cfg uses), tells the parent its
 * ports over IPC, and runs until killed. `startDevRegistrar()` is the parent side.
 */
import { fileURLToPath } from 'node:url';
import { ownChild, spawnNodeWithFileLimit } from './owned-child.mjs';
import { treeCpuSeconds } from './scale-kamailio.mjs';

const SELF = fileURLToPath(import.meta.url);

/** The password the benchmark gives user `user` (test-only). */
export const passwordOf = (user) => `pw-${user}`;

async function serve({ n, prefix, domain, minExpires, ws, algorithms }) {
  const { DevRegistrar } = await import('@sipkit/demo/dev-registrar');
  const users = Array.from({ length: n }, (_, i) => ({
    username: `${prefix}${i}`,
    password: passwordOf(`${prefix}${i}`),
  }));
  const registrar = new DevRegistrar({
    users,
    domain,
    minExpires,
    algorithms,
    tcpPort: null,
    wsPort: ws ? 0 : null,
  });
  const at = await registrar.start();
  process.send({ type: 'ready', port: at.udp.port, wsPort: at.ws?.port });
  // An orphan must not outlive the benchmark: the IPC channel closes when the parent goes.
  process.once('disconnect', () => process.exit(0));
}

/**
 * Starts the registrar process for `n` users and resolves once it listens:
 * `{ udpPort, wsPort, pid, cpuSeconds(), stop() }`. `ws` adds a WebSocket listener (one
 * connection per user agent, so the child's open-files soft limit is raised to the hard one);
 * `algorithms` replaces the default challenges (SHA-256, MD5). It is killed on `stop()` or when
 * this process exits.
 */
export async function startDevRegistrar({ n, prefix, domain, minExpires, ws = false, algorithms }) {
  const child = spawnNodeWithFileLimit([
    SELF,
    '--serve',
    JSON.stringify({ n, prefix, domain, minExpires, ws, algorithms }),
  ]);
  const { exited, stop } = ownChild(child);
  try {
    const ready = await Promise.race([
      new Promise((resolve) => child.once('message', resolve)),
      exited.then((code) => {
        throw new Error(`development registrar exited (${code}) before listening`);
      }),
    ]);
    return {
      udpPort: ready.port,
      wsPort: ready.wsPort,
      pid: child.pid,
      cpuSeconds: () => treeCpuSeconds(child.pid),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

if (process.argv[2] === '--serve') {
  serve(JSON.parse(process.argv[3])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
