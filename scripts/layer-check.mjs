/**
 * Checks that imports between the `@sipkit/*` packages go down the layer table of DESIGN.md
 * (../shared/DESIGN.md, "Layers and packages"): a package may import only the packages listed
 * for it, some of them for types only. Run by `pnpm test:all`; `node scripts/layer-check.mjs`
 * prints every offending import and exits 1.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What each package may import at run time (`runtime`) and for types only (`types`), as the
 * layer table says. A package may always import its own subpath entries.
 */
export const LAYERS = {
  parser: { runtime: [], types: [] },
  digest: { runtime: ['parser'], types: [] },
  transport: { runtime: ['parser'], types: [] },
  // The table allows transport's interface only. Known deviation: client and server
  // transactions use transport's `Emitter` for their `on(event)` API (see README).
  transaction: { runtime: ['parser'], types: ['transport'], allowed: [['transport', 'Emitter']] },
  registerer: { runtime: ['parser', 'transaction', 'digest'], types: [] },
  session: { runtime: ['parser', 'transaction', 'digest'], types: [] },
  config: { runtime: ['parser'], types: [] },
  ua: {
    runtime: ['parser', 'digest', 'transport', 'transaction', 'registerer', 'session', 'config'],
    types: [],
  },
  'media-webrtc': { runtime: [], types: ['session'] },
  'media-rtp': { runtime: [], types: ['session'] },
};

/** Every `.ts` file under `dir`. */
function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const STATEMENT = /\b(import|export)\s+(type\s+)?(?:([^;]*?)\s+from\s+)?'@sipkit\/([a-z-]+)(?:\/[a-z-]+)?'/g;
const DYNAMIC = /\bimport\(\s*'@sipkit\/([a-z-]+)(?:\/[a-z-]+)?'\s*\)/g;

/**
 * The `@sipkit/*` imports of one source text: `{ target, typeOnly, names }` each, where `names`
 * are the imported bindings of a named import (empty for a namespace, default or dynamic import).
 */
export function importsOf(text) {
  const out = [];
  for (const m of text.matchAll(STATEMENT)) {
    const clause = m[3] ?? '';
    const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
    const specs = braces
      ? braces[1]
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
    const typeOnly =
      m[2] !== undefined ||
      (braces !== null && specs.length > 0 && specs.every((s) => s.startsWith('type ')));
    const names = specs.filter((s) => !s.startsWith('type ')).map((s) => s.split(/\s+as\s+/)[0].trim());
    // `export * from` and side-effect imports have no clause to look at: they count as run time.
    out.push({ target: m[4], typeOnly, names: braces ? names : [] });
  }
  for (const m of text.matchAll(DYNAMIC)) out.push({ target: m[1], typeOnly: false, names: [] });
  return out;
}

/** Every import of `packages/<name>/src` that the layer table does not allow, as readable lines. */
export function layerViolations(root) {
  const problems = [];
  const packagesDir = join(root, 'packages');
  for (const pkg of readdirSync(packagesDir)) {
    const src = join(packagesDir, pkg, 'src');
    try {
      statSync(src);
    } catch {
      continue;
    }
    const rules = LAYERS[pkg];
    if (!rules) {
      problems.push(
        `packages/${pkg}: not in the layer table (add it to scripts/layer-check.mjs and DESIGN.md)`,
      );
      continue;
    }
    for (const file of sourceFiles(src)) {
      for (const imp of importsOf(readFileSync(file, 'utf8'))) {
        if (imp.target === pkg || rules.runtime.includes(imp.target)) continue;
        if (imp.typeOnly && rules.types.includes(imp.target)) continue;
        const allowed = rules.allowed ?? [];
        if (
          imp.names.length > 0 &&
          imp.names.every((n) => allowed.some(([target, name]) => target === imp.target && name === n))
        )
          continue;
        const what = imp.typeOnly ? 'types from' : imp.names.length > 0 ? `${imp.names.join(', ')} from` : '';
        problems.push(`${relative(root, file)}: imports ${what} @sipkit/${imp.target}`.replace('  ', ' '));
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const problems = layerViolations(root);
  if (problems.length > 0) {
    console.error(`layer check failed: imports that do not go down the layer table (DESIGN.md):`);
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log(`layer check passed (${Object.keys(LAYERS).length} layers)`);
}
