/** Asks the running interop Kamailio about its state, through `kamcmd` on the control socket. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KAMAILIO_CTL_SOCKET } from './kamailio-env.js';

const run = promisify(execFile);

/** One address-of-record in Kamailio's location table and the Contact URIs bound to it. */
export interface KamailioBinding {
  aor: string;
  contacts: string[];
}

/** Runs `kamcmd <command> ...args` against the interop Kamailio and returns its output. */
export async function kamcmd(command: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kamcmd', ['-s', `unix:${KAMAILIO_CTL_SOCKET}`, command, ...args], {
    timeout: 5000,
  });
  return stdout;
}

/** Reads `ul.dump`: every AoR with its bound contacts. */
export async function kamailioBindings(): Promise<KamailioBinding[]> {
  return parseUlDump(await kamcmd('ul.dump'));
}

/** Parses the text `kamcmd ul.dump` prints (`AoR: ...` lines, each followed by `Address: ...` lines). */
export function parseUlDump(text: string): KamailioBinding[] {
  const out: KamailioBinding[] = [];
  for (const line of text.split('\n')) {
    const aor = /^\s*AoR:\s*(\S+)/.exec(line);
    if (aor) {
      out.push({ aor: aor[1]!, contacts: [] });
      continue;
    }
    const addr = /^\s*Address:\s*(\S+)/.exec(line);
    if (addr && out.length > 0) out[out.length - 1]!.contacts.push(addr[1]!);
  }
  return out;
}

/**
 * Restarts the interop Kamailio (stop, then start on the same ports; its in-memory location
 * table is lost). Only for `*.interop.test.ts` files: the global setup owns the process.
 */
export async function restartKamailio(): Promise<void> {
  const { inject } = await import('vitest');
  const res = await fetch(`http://127.0.0.1:${inject('kamailioControlPort')}/restart`, { method: 'POST' });
  if (!res.ok) throw new Error(`Kamailio restart failed: ${await res.text()}`);
}
