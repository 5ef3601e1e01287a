/**
 * Bundles a test page script for the browser from the packages' source, so the browser interop
 * test needs no build first: `@sipkit/x`, `@sipkit/x/core` and `@sipkit/x/node` resolve to
 * `packages/x/src/{index,core,node}.ts`, as in `vitest.config.ts`. esbuild's browser platform
 * leaves Node built-ins unresolved, so a bundle that reaches `node:x` (or bare `fs`, `net`, ...)
 * fails to build instead of shipping code a browser cannot run.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every workspace package's import specifiers mapped to its source entry files. */
export function sourceAliases(): Record<string, string> {
  const alias: Record<string, string> = {};
  for (const dir of readdirSync(`${ROOT}packages`)) {
    const src = `${ROOT}packages/${dir}/src`;
    if (!existsSync(`${src}/index.ts`)) continue;
    alias[`@sipkit/${dir}`] = `${src}/index.ts`;
    for (const sub of ['core', 'node']) {
      if (existsSync(`${src}/${sub}.ts`)) alias[`@sipkit/${dir}/${sub}`] = `${src}/${sub}.ts`;
    }
  }
  return alias;
}

/**
 * The ES module esbuild makes of `entry` (a file, or module text resolved from the repository
 * root) for a browser: platform `browser`, format `esm`, everything bundled, not minified (so a
 * page error names real functions). Rejects with esbuild's errors, such as `Could not resolve
 * "node:dgram"`, when the entry reaches a Node built-in.
 */
export async function bundleForBrowser(entry: { file: string } | { contents: string }): Promise<string> {
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'ts' } }),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    alias: sourceAliases(),
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
