/**
 * How sipkit starts a private Kamailio, shared by the interop test setup (kamailio-setup.ts) and
 * the registration-scale benchmark (bench/lib/scale-kamailio.mjs). Plain JavaScript so the
 * benchmark, which runs without a TypeScript loader, can import it too.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The Debian module directory that holds websocket.so (multiarch), or undefined. */
export function kamailioModuleDir() {
  if (!existsSync('/usr/lib')) return undefined;
  for (const dir of readdirSync('/usr/lib')) {
    const candidate = `/usr/lib/${dir}/kamailio/modules/`;
    if (existsSync(`${candidate}websocket.so`)) return candidate;
  }
  return undefined;
}

/**
 * Command-line arguments of a foreground Kamailio (`-DD`: it still forks its workers, but the
 * spawning process owns it) logging to stderr (`-E`), with its pid file and working files in
 * `runDir`, and the cfg's `SIP_PORT`, `WS_PORT`, `CTL_SOCK` and `MOD_PATH` defines (plus
 * `RPC_FIFO` when `fifo` is given). `shmMb` sets the shared memory size.
 */
export function kamailioArgs({ config, runDir, sipPort, wsPort, ctlSocket, fifo, shmMb }) {
  const args = ['-f', config, '-DD', '-E'];
  if (shmMb !== undefined) args.push('-m', String(shmMb));
  args.push('-P', join(runDir, 'kamailio.pid'), '-Y', runDir, '-w', runDir);
  const defines = [`SIP_PORT=${sipPort}`, `WS_PORT=${wsPort}`, `CTL_SOCK="unix:${ctlSocket}"`];
  if (fifo !== undefined) defines.push(`RPC_FIFO="${fifo}"`);
  defines.push(`MOD_PATH="${kamailioModuleDir()}"`);
  for (const d of defines) args.push('-A', d);
  return args;
}

/**
 * Sends SIGTERM to `pid` when this process dies, however it dies. Kamailio does not notice its
 * parent going away, and Node cannot ask the kernel for a parent-death signal, so without this a
 * test run killed with SIGKILL leaves Kamailio holding its ports and the next run fails. A shell
 * watchdog holds a pipe from this process: the pipe closes only when this process is gone, and
 * then the watchdog's `read` returns and it sends the signal. Returns a function that dismisses
 * the watchdog, for a normal stop (so it never signals a pid that has been reused).
 */
export function killWhenParentDies(pid) {
  const watchdog = spawn('/bin/sh', ['-c', 'read _ ; kill "$0" 2>/dev/null', String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Neither the watchdog nor its pipe may keep this process's event loop alive.
  watchdog.unref();
  watchdog.stdin.unref();
  watchdog.stdin.on('error', () => {});
  return () => {
    watchdog.kill('SIGKILL');
  };
}
