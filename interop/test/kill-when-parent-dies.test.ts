import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';

const LAUNCH = fileURLToPath(new URL('../kamailio-launch.mjs', import.meta.url));

/** True while `pid` runs (a zombie waiting to be reaped counts as gone). */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls, at most `ms`, until `pid` is gone; resolves with whether it is. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (!running(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !running(pid);
}

/**
 * A Node process that starts `sleep 30` (standing in for Kamailio) with the watchdog, prints the
 * sleep's pid, and then idles (`dismiss`: dismisses the watchdog and exits instead).
 */
function parent(dismiss: boolean): { proc: ChildProcess; sleepPid: Promise<number> } {
  const script = `
    import { spawn } from 'node:child_process';
    import { killWhenParentDies } from ${JSON.stringify(LAUNCH)};
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
    sleeper.unref();
    const dismiss = killWhenParentDies(sleeper.pid);
    console.log(sleeper.pid);
    if (${dismiss}) { dismiss(); setTimeout(() => process.exit(0), 200); }
    else setInterval(() => {}, 1000);
  `;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sleepPid = new Promise<number>((resolve, reject) => {
    proc.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    proc.once('exit', () => reject(new Error('parent exited before printing a pid')));
  });
  return { proc, sleepPid };
}

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
});

describe('killWhenParentDies', () => {
  test('ends the process when its parent is killed with SIGKILL', async () => {
    const { proc, sleepPid } = parent(false);
    const pid = await sleepPid;
    started.push(pid);
    expect(running(pid)).toBe(true);
    proc.kill('SIGKILL');
    expect(await goneWithin(pid, 5000)).toBe(true);
  });

  test('leaves it alone once dismissed', async () => {
    const { proc, sleepPid } = parent(true);
    const pid = await sleepPid;
    started.push(pid);
    await new Promise((r) => proc.once('exit', r));
    expect(await goneWithin(pid, 500)).toBe(false);
  });
});
