/**
 * The embedded development registrar (`DevRegistrar` of apps/demo) in its own Node process, so
 * its heap and CPU are not counted in the user agents' process. Run as a child: it serves UDP on
 * a free loopback port for users `<prefix>0` .. `<prefix>{n-1}` with password `pw-<user>` (the
 * scheme bench/kamailio/scale.cfg uses), tells the parent its port over IPC, and runs until killed.
 * `startDevRegistrar()` is the parent side.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ownChild } from './owned-child.mjs';
import { treeCpuSeconds } from './scale-kamailio.mjs';

const SELF = fileURLToPath(import.meta.url);

/** The password the benchmark gives user `user` (test-only). */
export const passwordOf = (user) => `pw-${user}`;

async function serve({ n, prefix, domain, minExpires }) {
  const { DevRegistrar } = await import('@sipkit/demo/dev-registrar');
  const users = Array.from({ length: n }, (_, i) => ({
    username: `${prefix}${i}`,
    password: passwordOf(`${prefix}${i}`),
  }));
  const registrar = new DevRegistrar({ users, domain, minExpires, tcpPort: null });
  const at = await registrar.start();
  process.send({ type: 'ready', port: at.udp.port });
  // An orphan must not outlive the benchmark: the IPC channel closes when the parent goes.
  process.once('disconnect', () => process.exit(0));
}

/**
 * Starts the registrar process for `n` users and resolves once it listens:
 * `{ udpPort, pid, cpuSeconds(), stop() }`. It is killed on `stop()` or when this process exits.
 */
export async function startDevRegistrar({ n, prefix, domain, minExpires }) {
  const child = fork(SELF, ['--serve', JSON.stringify({ n, prefix, domain, minExpires })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { exited, stop } = ownChild(child);
  try {
    const port = await Promise.race([
      new Promise((resolve) => child.once('message', (m) => resolve(m.port))),
      exited.then((code) => {
        throw new Error(`development registrar exited (${code}) before listening`);
      }),
    ]);
    return { udpPort: port, pid: child.pid, cpuSeconds: () => treeCpuSeconds(child.pid), stop };
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
