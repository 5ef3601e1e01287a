/**
 * sipp (Debian package `sip-tester`) for benchmarks: find or install it, start it as a UAS on
 * 127.0.0.1 with a scenario file, wait until it answers, and always stop it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { aptInstall } from './apt-install.mjs';
import { ownChild } from './owned-child.mjs';

function sippVersion() {
  const r = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  if (r.error) return undefined;
  return /SIPp v?([\w.-]+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

/**
 * Returns sipp's version, installing `sip-tester` with apt-get first when sipp is missing and
 * this process is root. Returns `{ skip }` with the reason when sipp is missing and cannot be
 * installed here.
 */
export function ensureSipp() {
  const found = sippVersion();
  if (found) return { version: found };
  if (process.getuid?.() !== 0) {
    return { skip: 'sipp not found and not root: install it with `sudo apt-get install sip-tester`' };
  }
  console.log('sipp not found: installing Debian package sip-tester with apt-get ...');
  if (!aptInstall(['sip-tester'])) return { skip: 'apt-get install sip-tester failed' };
  const version = sippVersion();
  return version ? { version } : { skip: 'sip-tester installed but sipp does not run' };
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
async function freeUdpPort() {
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
  return port;
}

/** Sends a bare OPTIONS from a throw-away socket until a 200 comes back (sipp is up), or throws. */
async function waitForAnswer(port, timeoutMs) {
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const me = socket.address().port;
  let answered = false;
  socket.on('message', (data) => {
    if (data.toString('latin1').startsWith('SIP/2.0 200')) answered = true;
  });
  try {
    for (let i = 0, deadline = Date.now() + timeoutMs; Date.now() < deadline && !answered; i++) {
      const probe =
        `OPTIONS sip:probe@127.0.0.1:${port} SIP/2.0\r\n` +
        `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bKprobe${i};rport\r\n` +
        `From: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:sipp@127.0.0.1>\r\n` +
        `Call-ID: probe-${i}-${me}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
      socket.send(probe, port, '127.0.0.1');
      await sleep(100);
    }
  } finally {
    socket.close();
  }
  if (!answered) throw new Error(`sipp did not answer on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** CPU seconds (user + system) a process has used, from /proc (Linux), or undefined. */
export function processCpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ticks / hz;
  } catch {
    return undefined;
  }
}

/**
 * The host's count of UDP datagrams dropped because a socket's receive buffer was full
 * (`RcvbufErrors` in /proc/net/snmp, Linux), or undefined. Host-wide, not per socket.
 */
export function udpReceiveBufferDrops() {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/);
    const value = Number(values[names.indexOf('RcvbufErrors')]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts sipp as a UAS on 127.0.0.1 with `scenario` (a file path) and waits until it answers.
 * Returns `{ port, pid, stop() }`; `stop()` kills it and is safe to call twice. sipp is also
 * killed if this process exits first.
 */
export async function startSippUas(scenario) {
  const port = await freeUdpPort();
  const child = spawn(
    'sipp',
    [
      '-sf',
      scenario,
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-t',
      'u1',
      '-nostdin',
      '-max_recv_loops',
      '10000',
      '-buff_size',
      '2097152',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const { exited, stop } = ownChild(child);
  try {
    await Promise.race([
      waitForAnswer(port, 5000),
      exited.then((code) => {
        throw new Error(`sipp exited (${code}) before answering: ${stderr.trim()}`);
      }),
    ]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, pid: child.pid, stop, stderr: () => stderr };
}
