/**
 * How sipkit starts a private Kamailio, shared by the interop test setup (kamailio-setup.ts) and
 * the registration-scale benchmark (bench/lib/scale-kamailio.mjs). Plain JavaScript so the
 * benchmark, which runs without a TypeScript loader, can import it too.
 */
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
