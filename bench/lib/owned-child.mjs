import { spawn } from 'node:child_process';

/**
 * Spawns `node <args>` with an IPC channel, its open-files soft limit first raised to the hard
 * one by `sh` (a population or a registrar holds a socket per user agent).
 */
export function spawnNodeWithFileLimit(args) {
  return spawn(
    '/bin/sh',
    ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', process.execPath, ...args],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
}

/**
 * Ties a spawned child process to this one: it is SIGKILLed when this process exits, and
 * `stop()` ends it (SIGTERM first when `graceMs` is given, SIGKILL after that long) and resolves
 * once it has exited. `exited` resolves with the exit code.
 */
export function ownChild(child, { graceMs } = {}) {
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (graceMs === undefined) kill();
      else {
        child.kill('SIGTERM');
        const timer = setTimeout(kill, graceMs);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    })();
    return stopping;
  };
  return { exited, stop, kill };
}
