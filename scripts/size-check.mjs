/**
 * Size budget check (part of `pnpm test:all`, after the build): bundles each package's main
 * entry, and each browser-safe subpath entry (`@sipkit/ua/core`: every subpath export but
 * `./node`), for the browser exactly as the bundle-size benchmark does (esbuild, ESM, minified,
 * tree-shaken, es2022, dependencies included) and fails when its gzip size exceeds the budget
 * recorded in `size-budget.json`, or when an entry has no budget. Also fails when a browser
 * bundle imports a Node built-in.
 *
 *   node scripts/size-check.mjs              # check (pnpm run size)
 *   node scripts/size-check.mjs --update     # set every budget to current gzip + 10 %, rounded up to 100 B
 *   node scripts/size-check.mjs --update @sipkit/parser   # only that package (or entry: @sipkit/ua/core)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { measureBundle, NodeImportError, sipkitPackages } from '../bench/lib/browser-bundle.mjs';

const root = new URL('../', import.meta.url);
const budgetFile = new URL('size-budget.json', root);
const HEADROOM = 1.1;
const ROUND_TO = 100;

const args = process.argv.slice(2).filter((a) => a !== '--');
const update = args.includes('--update');
const only = args.filter((a) => !a.startsWith('--'));

const fmt = (n) => n.toLocaleString('en-US');
const budgetFor = (gzip) => Math.ceil((gzip * HEADROOM) / ROUND_TO) * ROUND_TO;

function fail(message) {
  console.error(`size check FAILED: ${message}`);
  process.exit(1);
}

const packages = sipkitPackages(root);
const unbuilt = packages.filter((p) => !p.built);
if (unbuilt.length > 0) fail(`not built: ${unbuilt.map((p) => p.name).join(', ')}; run pnpm build first`);

const started = performance.now();
let sizes;
try {
  sizes = await Promise.all(packages.map((p) => measureBundle(p.name, p, { browserSafe: true })));
} catch (e) {
  if (e instanceof NodeImportError)
    fail(`${e.message}\nNode-only code belongs behind a ./node subpath export.`);
  throw e;
}

const file = JSON.parse(readFileSync(budgetFile, 'utf8'));
const budgets = file.budgets ?? {};

if (update) {
  for (const [i, p] of packages.entries()) {
    if (only.length === 0 || only.includes(p.name)) budgets[p.name] = budgetFor(sizes[i].gzip);
  }
  const sorted = Object.fromEntries(Object.entries(budgets).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(budgetFile, `${JSON.stringify({ ...file, budgets: sorted }, null, 2)}\n`);
  console.log(
    `size-budget.json updated (${only.length ? only.join(', ') : 'every package'}); commit it and say why.`,
  );
}

const problems = [];
const rows = packages.map((p, i) => {
  const { gzip, min } = sizes[i];
  const budget = budgets[p.name];
  let status = 'ok';
  if (budget === undefined) {
    status = 'NO BUDGET';
    problems.push(
      `${p.name} has no budget in size-budget.json (add one: node scripts/size-check.mjs --update ${p.name})`,
    );
  } else if (gzip > budget) {
    status = 'OVER';
    problems.push(
      `${p.name} is ${fmt(gzip)} B gzip, over its budget of ${fmt(budget)} B by ${fmt(gzip - budget)} B ` +
        `(${((100 * (gzip - budget)) / budget).toFixed(1)} %)`,
    );
  }
  return [p.name, fmt(min), fmt(gzip), budget === undefined ? '-' : fmt(budget), status];
});
for (const name of Object.keys(budgets)) {
  if (!packages.some((p) => p.name === name))
    console.warn(`note: size-budget.json lists ${name}, which no longer exists`);
}

const header = ['package', 'min B', 'gzip B', 'budget B', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(
  `(browser bundles of each main and subpath entry, esbuild minified, gzip -9; ${fmt(Math.round(performance.now() - started))} ms)`,
);

if (problems.length > 0) {
  fail(
    `${problems.join('\n  ')}\n` +
      'Make it smaller, or raise the budget on purpose (see "howToUpdate" in size-budget.json).',
  );
}
console.log('size check passed');
