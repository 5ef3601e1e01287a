import { spawnSync } from 'node:child_process';

/**
 * Installs Debian `packages` with apt-get (non-interactive, no recommends); a fresh machine may
 * have no package lists yet, so a failed install updates them once and tries again. Returns
 * whether the install succeeded. Needs root.
 */
export function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, stdio: 'ignore' });
  if (install().status === 0) return true;
  spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
  return install().status === 0;
}
