/**
 * Runs the benchmark files in this folder (`*.bench.mjs`), prints their tables and writes each
 * result to `results/<name>.json`. Usage (from the repo root, after a build):
 *
 *   pnpm bench                    # every benchmark
 *   pnpm bench -- parser          # only those whose name contains "parser"
 *   pnpm bench -- --quick         # short rounds, for checking that it runs
 *   pnpm bench -- --strict        # exit 1 when a benchmark misses one of its targets
 *
 * A benchmark file exports `name`, `description` and `run({ quick })`, which prints its own
 * table and returns a JSON-serialisable result with an `allTargetsMet` flag.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { machine } from './lib/machine.mjs';
import { sinkValue } from './lib/measure.mjs';

const here = new URL('.', import.meta.url);
const args = process.argv.slice(2).filter((a) => a !== '--');
const quick = args.includes('--quick');
const strict = args.includes('--strict');
const filters = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .sort();
const host = machine();
console.log(`sipkit benchmarks on ${host.cpu} (${host.cores} cores), node ${host.node}`);

let missed = 0;
let ran = 0;
for (const file of files) {
  const bench = await import(new URL(file, here).href);
  if (filters.length > 0 && !filters.some((f) => bench.name.includes(f))) continue;
  ran++;
  console.log(`\n== ${bench.name}: ${bench.description}${quick ? ' (quick)' : ''}`);
  const result = await bench.run({ quick });
  mkdirSync(new URL('results/', here), { recursive: true });
  const out = new URL(`results/${bench.name}.json`, here);
  writeFileSync(out, `${JSON.stringify({ machine: host, quick, ...result }, null, 2)}\n`);
  console.log(`result written to bench/results/${bench.name}.json`);
  if (!result.allTargetsMet) missed++;
}
if (ran === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}`);
  process.exit(2);
}
// Printing the sink keeps every timed result observable to the optimiser.
console.log(`\n(sink ${sinkValue()})`);
if (strict && missed > 0) process.exit(1);
