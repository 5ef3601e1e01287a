/**
 * Vitest global setup of the `interop` project: installs Kamailio when it is missing (Debian
 * packages, needs root), starts it on 127.0.0.1 with `kamailio/kamailio.cfg` and a pid file in a
 * fresh temporary run directory, waits for its ports, and stops it in teardown. Fails loudly,
 * never skips: an interop run without its server is a failed run.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { aptInstall } from './apt-install.js';
import { KAMAILIO_CTL_SOCKET, KAMAILIO_HOST, KAMAILIO_SIP_PORT, KAMAILIO_WS_PORT } from './kamailio-env.js';
import { kamailioArgs, kamailioModuleDir, killWhenParentDies } from './kamailio-launch.mjs';

const CONFIG = fileURLToPath(new URL('./kamailio/kamailio.cfg', import.meta.url));
const PACKAGES = ['kamailio', 'kamailio-websocket-modules', 'kamailio-extra-modules'];

let child: ChildProcess | undefined;
let dismissWatchdog: (() => void) | undefined;
let runDir: string | undefined;

/** The Debian module directory that holds `websocket.so`, or undefined when not installed. */
function hasKamailio(): boolean {
  try {
    execFileSync('kamailio', ['-v'], { stdio: 'ignore' });
    return kamailioModuleDir() !== undefined;
  } catch {
    return false;
  }
}

/** Installs the Debian packages when Kamailio or its WebSocket module is missing. */
export function ensureKamailio(): void {
  if (hasKamailio()) return;
  aptInstall('Kamailio', PACKAGES);
  if (!hasKamailio()) throw new Error('Kamailio was installed but kamailio or websocket.so is still missing');
}

/** True when something accepts TCP connections on host:port. */
function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: KAMAILIO_HOST, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function logTail(): string {
  if (!runDir) return '';
  try {
    return readFileSync(join(runDir, 'kamailio.log'), 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

/** Starts Kamailio; resolves when its SIP and WebSocket ports accept connections. */
export async function startKamailio(): Promise<void> {
  ensureKamailio();
  for (const port of [KAMAILIO_SIP_PORT, KAMAILIO_WS_PORT]) {
    if (await tcpOpen(port)) {
      throw new Error(
        `Port ${KAMAILIO_HOST}:${port} is already in use, so the interop Kamailio cannot start ` +
          '(a leftover Kamailio? set SIPKIT_KAMAILIO_SIP_PORT / SIPKIT_KAMAILIO_WS_PORT to move it)',
      );
    }
  }
  runDir = mkdtempSync(join(tmpdir(), 'sipkit-kamailio-'));
  rmSync(KAMAILIO_CTL_SOCKET, { force: true });
  const log = openSync(join(runDir, 'kamailio.log'), 'w');
  const proc = spawn(
    'kamailio',
    kamailioArgs({
      config: CONFIG,
      runDir,
      sipPort: KAMAILIO_SIP_PORT,
      wsPort: KAMAILIO_WS_PORT,
      ctlSocket: KAMAILIO_CTL_SOCKET,
      fifo: join(runDir, 'kamailio.fifo'),
    }),
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  child = proc;
  if (proc.pid !== undefined) dismissWatchdog = killWhenParentDies(proc.pid);
  let exited: number | null | undefined;
  proc.once('exit', (code) => {
    exited = code;
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited !== undefined) {
      child = undefined;
      throw new Error(`Kamailio exited with code ${exited} while starting:\n${logTail()}`);
    }
    if ((await tcpOpen(KAMAILIO_SIP_PORT)) && (await tcpOpen(KAMAILIO_WS_PORT))) return;
    if (Date.now() > deadline) {
      await stopKamailio();
      throw new Error(`Kamailio did not open its ports within 10 s:\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops the Kamailio this module started (by its own pid only) and removes its run directory. */
export async function stopKamailio(): Promise<void> {
  const proc = child;
  child = undefined;
  dismissWatchdog?.();
  dismissWatchdog = undefined;
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    const gone = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  runDir = undefined;
  rmSync(KAMAILIO_CTL_SOCKET, { force: true });
}

// If the test runner exits without teardown, do not leave Kamailio behind (the watchdog covers
// the deaths that run no exit handler).
process.once('exit', () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

let control: Server | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Port of the loopback HTTP control that restarts Kamailio (`POST /restart`). */
    kamailioControlPort: number;
  }
}

/**
 * Vitest global setup: start Kamailio, and a loopback control so a test can restart it while
 * this process keeps owning (and finally stopping) the server.
 */
export async function setup(project: TestProject): Promise<void> {
  await startKamailio();
  control = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/restart') {
      res.writeHead(404).end();
      return;
    }
    stopKamailio()
      .then(startKamailio)
      .then(
        () => res.writeHead(200).end('restarted'),
        (e: Error) => res.writeHead(500).end(e.message),
      );
  });
  await new Promise<void>((resolve) => control!.listen(0, '127.0.0.1', resolve));
  project.provide('kamailioControlPort', (control.address() as AddressInfo).port);
}

/** Vitest global teardown: stop it, whatever happened in the tests. */
export async function teardown(): Promise<void> {
  await new Promise<void>((resolve) => (control ? control.close(() => resolve()) : resolve()));
  control = undefined;
  await stopKamailio();
}
