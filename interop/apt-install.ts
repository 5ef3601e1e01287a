/**
 * Installs the Debian packages an interop test needs (Kamailio, Chromium). CI runs as root on a
 * fresh Debian machine, so it installs them; anywhere else the error says what to install by hand.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** How {@link aptInstall} installs. */
export interface AptInstallOptions {
  /** Leave out the packages' recommendations (smaller and faster, for a package that needs none). */
  noRecommends?: boolean;
}

/**
 * Runs `apt-get update` and `apt-get install -y packages`. `what` names the thing being installed,
 * for the messages. Throws when this is not root or has no apt-get (naming the command to run by
 * hand), or when apt-get fails (with its error output).
 */
export function aptInstall(what: string, packages: string[], options: AptInstallOptions = {}): void {
  const root = process.getuid?.() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `Interop tests need ${what} (${packages.join(', ')}). It is not installed and cannot be installed ` +
        `here (${root ? 'no apt-get' : 'not root'}). Install it with: sudo apt-get update && ` +
        `sudo apt-get install -y ${packages.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '-qq', ...(options.noRecommends ? ['--no-install-recommends'] : [])];
  try {
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'pipe', timeout: 300_000 });
    execFileSync('apt-get', [...install, ...packages], { env, stdio: 'pipe', timeout: 600_000 });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`apt-get could not install ${what}: ${e.stderr?.toString() || e.message}`);
  }
}
