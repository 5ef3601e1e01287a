/**
 * How much of a minified browser bundle a successful registration runs: the bundle is written
 * to a temporary file and `bundle-coverage-run.mjs` runs it in a child Node with V8's block
 * coverage on (NODE_V8_COVERAGE). The bytes inside function bodies and blocks that never ran
 * are what perfect tree-shaking of untaken paths could ever remove; the executed bytes alone,
 * gzipped, are a lower bound on any bundle of this design.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSize } from './browser-bundle.mjs';
import { ownChild } from './owned-child.mjs';

const RUNNER = fileURLToPath(new URL('bundle-coverage-run.mjs', import.meta.url));
const CHILD_TIMEOUT_MS = 30_000;

/**
 * One byte per character of `source`: 1 where the innermost covered range holding it ran.
 * V8's ranges nest (a function, then its blocks), so filling the widest first and the
 * narrowest last leaves each character with its innermost count.
 */
export function executedMask(source, functions) {
  const mask = new Uint8Array(source.length).fill(1);
  const ranges = functions
    .flatMap((f) => f.ranges)
    .sort((a, b) => b.endOffset - b.startOffset - (a.endOffset - a.startOffset));
  for (const r of ranges) mask.fill(r.count > 0 ? 1 : 0, r.startOffset, r.endOffset);
  return mask;
}

/** Runs the child and resolves with the V8 coverage entry of the bundle file. */
async function coverageOf(file, dir) {
  const child = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', RUNNER, file], {
    env: { ...process.env, NODE_V8_COVERAGE: dir },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const owned = ownChild(child);
  const timer = setTimeout(owned.kill, CHILD_TIMEOUT_MS);
  const code = await owned.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`bundle coverage run failed (exit ${code})`);
  const url = pathToFileURL(file).href;
  for (const f of readdirSync(dir)) {
    const entry = JSON.parse(readFileSync(join(dir, f), 'utf8')).result.find((r) => r.url === url);
    if (entry) return entry;
  }
  throw new Error('bundle coverage run wrote no coverage for the bundle');
}

/**
 * Runs the register-only bundle `code` (minified ESM exporting `UserAgent`) through one
 * registration and stop, and measures what ran.
 *
 * @returns `{ min, executedMin, gzip, executedGzip }`: the bundle's minified bytes and gzip
 *   size, and the same for only the characters that ran.
 */
export async function registrationCoverage(code) {
  const dir = mkdtempSync(join(tmpdir(), 'sipkit-bundle-coverage-'));
  try {
    const file = join(dir, 'register-only.mjs');
    const source = new TextDecoder().decode(code);
    writeFileSync(file, source);
    const entry = await coverageOf(file, join(dir, 'v8'));
    const mask = executedMask(source, entry.functions);
    let executed = '';
    for (let i = 0; i < source.length; i++) if (mask[i] === 1) executed += source[i];
    return {
      min: source.length,
      executedMin: executed.length,
      gzip: gzipSize(source),
      executedGzip: gzipSize(executed),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
