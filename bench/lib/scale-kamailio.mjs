/**
 * Kamailio for the registration-scale benchmark: find or install it (Debian packages, root
 * only), start a private instance with `bench/kamailio/scale.cfg` on free loopback ports and a
 * fresh run directory, wait until it answers, read its statistics with `kamcmd`, and always
 * stop it (by its own pid; its forked workers go with it).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { kamailioArgs, kamailioModuleDir, killWhenParentDies } from '../../interop/kamailio-launch.mjs';
import { aptInstall } from './apt-install.mjs';
import { ownChild } from './owned-child.mjs';

const CONFIG = new URL('../kamailio/scale.cfg', import.meta.url).pathname;
const PACKAGES = ['kamailio', 'kamailio-websocket-modules', 'kamailio-extra-modules'];
/** Shared memory for the location table, nonces and 10k+ WebSocket connections (MB). */
const SHM_MB = 512;

/** The Debian module directory that holds `websocket.so`, or undefined. */
function kamailioVersion() {
  const r = spawnSync('kamailio', ['-v'], { encoding: 'utf8' });
  if (r.error || kamailioModuleDir() === undefined) return undefined;
  return /version: kamailio ([\w.-]+)/.exec(r.stdout)?.[1] ?? 'unknown';
}

/**
 * Kamailio's version, installing the Debian packages first when it (or its WebSocket module) is
 * missing and this process is root; `{ skip }` with the reason when it cannot be had.
 */
export function ensureKamailio() {
  const found = kamailioVersion();
  if (found) return { version: found };
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    return { skip: `Kamailio not found and cannot be installed here: apt-get install ${PACKAGES.join(' ')}` };
  }
  console.log(`Kamailio not found: installing ${PACKAGES.join(', ')} with apt-get ...`);
  if (!aptInstall(PACKAGES)) return { skip: 'apt-get install kamailio failed' };
  const version = kamailioVersion();
  return version ? { version } : { skip: 'Kamailio installed but it or websocket.so is missing' };
}

/** A port on 127.0.0.1 free for both UDP and TCP a moment ago. */
async function freePort() {
  for (;;) {
    const server = createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    const udp = createSocket('udp4');
    const ok = await new Promise((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    udp.close();
    if (ok) return port;
  }
}

function tcpOpen(port) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** True once an OPTIONS to the UDP port gets a 200 back. */
async function udpAnswers(port) {
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const me = socket.address().port;
  const answered = new Promise((resolve) => {
    socket.on('message', (d) => {
      if (d.toString('latin1').startsWith('SIP/2.0 200')) resolve(true);
    });
  });
  socket.send(
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bKprobe${me};rport\r\n` +
      `From: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:127.0.0.1>\r\nCall-ID: probe-${me}\r\n` +
      'CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
    port,
    '127.0.0.1',
  );
  const ok = await Promise.race([answered, sleep(300, false)]);
  socket.close();
  return ok;
}

/** CPU seconds (user + system) used so far by `pid` and its live children, from /proc (Linux). */
export function treeCpuSeconds(pid) {
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      // fields[1] is the parent pid; [11], [12] are utime and stime.
      if (Number(entry) === pid || Number(fields[1]) === pid)
        ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended between readdir and read.
    }
  }
  return ticks / hz;
}

/**
 * Starts a private Kamailio with `scale.cfg` on free ports and waits until its UDP port answers
 * and its WebSocket port accepts. Returns `{ udpPort, wsPort, pid, stats(), stop() }`; `stop()` is
 * safe to call twice, and Kamailio is also killed if this process exits first.
 */
export async function startKamailio() {
  const runDir = mkdtempSync(join(tmpdir(), 'sipkit-scale-kamailio-'));
  const udpPort = await freePort();
  let wsPort = await freePort();
  while (wsPort === udpPort) wsPort = await freePort();
  const ctl = join(runDir, 'ctl.sock');
  const log = openSync(join(runDir, 'kamailio.log'), 'w');
  const child = spawn(
    'kamailio',
    kamailioArgs({ config: CONFIG, runDir, sipPort: udpPort, wsPort, ctlSocket: ctl, shmMb: SHM_MB }),
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const owned = ownChild(child, { graceMs: 5000 });
  const dismissWatchdog = killWhenParentDies(child.pid);
  const { exited } = owned;
  const logTail = () => {
    try {
      return readFileSync(join(runDir, 'kamailio.log'), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    dismissWatchdog();
    await owned.stop();
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 10_000;
    let gone = false;
    exited.then(() => {
      gone = true;
    });
    for (;;) {
      if (gone) throw new Error(`Kamailio exited while starting:\n${logTail()}`);
      if ((await udpAnswers(udpPort)) && (await tcpOpen(wsPort))) break;
      if (Date.now() > deadline) throw new Error(`Kamailio did not answer within 10 s:\n${logTail()}`);
      await sleep(100);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  /** Kamailio's statistics of a group (`usrloc:`, `registrar:`) as `{ name: number }`. */
  const stats = (group) => {
    const r = spawnSync('kamcmd', ['-s', `unix:${ctl}`, 'stats.get_statistics', group], {
      encoding: 'utf8',
      timeout: 5000,
    });
    const out = {};
    for (const m of `${r.stdout}`.matchAll(/([\w-]+:[\w-]+) = (\d+)/g)) out[m[1]] = Number(m[2]);
    return out;
  };
  return { udpPort, wsPort, pid: child.pid, stats, stop, cpuSeconds: () => treeCpuSeconds(child.pid) };
}
