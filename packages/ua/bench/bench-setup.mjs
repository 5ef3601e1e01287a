// What the @sipkit/ua benchmark scripts share: their `--name value` arguments, and the stub
// registrar they run in a child process (stub-registrar.mjs), so its bindings stay out of the
// measured heap.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);

/** The value after `--name` on the command line, else `fallback`. */
export function arg(name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

/** True when `--name` (a flag without a value) is on the command line. */
export function flag(name) {
  return args.includes(`--${name}`);
}

/** Starts the stub registrar; resolves with its child process and its UDP port on 127.0.0.1. */
export async function startStubRegistrar() {
  const child = fork(fileURLToPath(new URL('./stub-registrar.mjs', import.meta.url)), { stdio: 'inherit' });
  const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
  return { child, port };
}
