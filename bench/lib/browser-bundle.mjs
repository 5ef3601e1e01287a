/**
 * Browser bundling shared by the bundle-size benchmark and `scripts/size-check.mjs`, so both
 * measure the same way: esbuild, `platform: 'browser'`, ESM, minified, tree-shaken, target
 * es2022, everything bundled (no externals); sizes of the raw minified output, gzip (level 9)
 * and brotli (quality 11).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** `node:x`, or a bare specifier naming a Node built-in (`fs`, `dgram`, `fs/promises`). */
function isBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}

/** Error thrown when a bundle that must be browser-safe imports a Node built-in. */
export class NodeImportError extends Error {
  constructor(label, imports) {
    super(
      `${label}: browser bundle imports Node built-ins:\n` +
        imports.map((i) => `  ${i.path} (imported by ${i.importer})`).join('\n'),
    );
    this.name = 'NodeImportError';
    this.imports = imports;
  }
}

/** An esbuild plugin that records every import of a Node built-in (`node:x` or bare `fs`, ...). */
function nodeImportGuard(found) {
  return {
    name: 'node-import-guard',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        found.push({ path: args.path, importer: args.importer });
        // Kept external so the build finishes and every offender is listed at once.
        return { path: args.path, external: true };
      });
    },
  };
}

/** The package a bundled file belongs to: `@sipkit/<name>` for `packages/<name>/`, else its npm name. */
function packageOf(file) {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(file);
  if (nm) return nm[1];
  const ws = /(?:^|\/)packages\/([^/]+)\//.exec(file);
  return ws ? `@sipkit/${ws[1]}` : undefined;
}

/** The `count` input files contributing the most minified bytes, as `[path, bytes]`. */
function largestFiles(metafile, count) {
  const files = Object.values(metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs).map(([file, { bytesInOutput }]) => [
      file.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, ''),
      bytesInOutput,
    ]),
  );
  return files.sort((a, b) => b[1] - a[1]).slice(0, count);
}

/** Minified bytes each package contributes to the output, from esbuild's metafile. */
function bytesByPackage(metafile) {
  const bytes = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(file);
      if (name) bytes[name] = (bytes[name] ?? 0) + bytesInOutput;
    }
  }
  return Object.fromEntries(Object.entries(bytes).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Bundles one entry for the browser the way every measurement here does. `entry` is either
 * `{ file }` (an entry file) or `{ contents, resolveDir }` (an entry written inline). With
 * `browserSafe` (every sipkit bundle), any Node built-in import throws {@link NodeImportError}.
 *
 * @returns `{ code, metafile }`: the minified output bytes and esbuild's metafile.
 */
export async function buildBundle(label, entry, { browserSafe = false } = {}) {
  const nodeImports = [];
  const result = await build({
    ...(entry.file
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'js' } }),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    treeShaking: true,
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Only browser-safe bundles get the guard: peers bundle npm shims such as `events` by the
    // same bare names, which the guard would wrongly take for Node built-ins.
    plugins: browserSafe ? [nodeImportGuard(nodeImports)] : [],
  });
  if (browserSafe && nodeImports.length > 0) throw new NodeImportError(label, nodeImports);
  return { code: result.outputFiles[0].contents, metafile: result.metafile };
}

/** gzip level 9 size of `code` (a string or bytes), as every bundle figure here counts it. */
export const gzipSize = (code) => gzipSync(code, { level: 9 }).length;

/**
 * {@link buildBundle}, measured.
 *
 * @returns `{ min, gzip, brotli, packages, bytesByPackage, largestFiles }`: byte counts, the
 *   packages bundled, the minified bytes each contributes, and the ten largest input files.
 */
export async function measureBundle(label, entry, options) {
  return measureBuilt(await buildBundle(label, entry, options));
}

/** The measurements of {@link measureBundle} for what {@link buildBundle} returned. */
export function measureBuilt({ code, metafile }) {
  const byPackage = bytesByPackage(metafile);
  return {
    min: code.length,
    gzip: gzipSize(code),
    brotli: brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
    }).length,
    packages: Object.keys(byPackage).filter((p) => byPackage[p] > 0),
    bytesByPackage: byPackage,
    largestFiles: largestFiles(metafile, 10),
  };
}

/** The file an `exports` condition object (or string) points an ESM import at. */
function importTarget(target) {
  return typeof target === 'string' ? target : (target?.import ?? target?.default);
}

/**
 * The workspace packages under `packages/` with a main (`.`) export, and their browser-safe
 * subpath entries (every subpath export but `./node`, which is Node-only by design, such as
 * `@sipkit/ua/core`), as `{ name, dir, entry, built, subpath, contents, resolveDir }` ready for
 * {@link measureBundle}. `name` is the import specifier; `subpath` is true for a subpath entry.
 * `entry` is the built file (`dist/...`), which must exist: build first.
 */
export function sipkitPackages(rootUrl) {
  const dir = new URL('packages/', rootUrl);
  const found = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const pkgDir = new URL(`${d.name}/`, dir);
    const manifest = new URL('package.json', pkgDir);
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    if (!importTarget(pkg.exports?.['.'])) continue;
    for (const [key, target] of Object.entries(pkg.exports)) {
      const entry = importTarget(target);
      if (!entry || key === './node' || key.endsWith('.json')) continue;
      found.push({
        name: key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`,
        dir: fileURLToPath(pkgDir),
        entry,
        built: existsSync(new URL(entry, pkgDir)),
        subpath: key !== '.',
        // `export *` keeps the whole public API, which is what "the package's main entry" costs.
        contents: `export * from ${JSON.stringify(entry)};`,
        resolveDir: fileURLToPath(pkgDir),
      });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
