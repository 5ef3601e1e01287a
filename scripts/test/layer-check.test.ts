import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { importsOf, layerViolations } from '../layer-check.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A repository with `packages/<name>/src/<file>` holding the given texts. */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sipkit-layers-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, 'packages', path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

describe('importsOf', () => {
  it('tells type-only imports from run-time ones and lists the names', () => {
    expect(
      importsOf(`import type { Clock } from '@sipkit/transport';
import { type Logger, Emitter } from '@sipkit/transport';
import { type A, type B } from '@sipkit/transport/node';
export { parseMessage as parse } from '@sipkit/parser';
export * from '@sipkit/digest';
const m = await import('@sipkit/ua');
import { local } from './local.js';`),
    ).toEqual([
      { target: 'transport', typeOnly: true, names: ['Clock'] },
      { target: 'transport', typeOnly: false, names: ['Emitter'] },
      { target: 'transport', typeOnly: true, names: [] },
      { target: 'parser', typeOnly: false, names: ['parseMessage'] },
      { target: 'digest', typeOnly: false, names: [] },
      { target: 'ua', typeOnly: false, names: [] },
    ]);
  });
});

describe('layerViolations', () => {
  it('accepts imports down the table, types-only imports where only the interface is allowed, and own subpaths', () => {
    const root = repo({
      'digest/src/a.ts': `import { parseMessage } from '@sipkit/parser';`,
      'transaction/src/a.ts': `import type { Transport } from '@sipkit/transport';\nimport { Emitter } from '@sipkit/transport';`,
      'registerer/src/a.ts': `export { Registerer } from '@sipkit/registerer/core';`,
    });
    expect(layerViolations(root)).toEqual([]);
  });

  it('reports an import up or sideways, a run-time import of an interface-only layer, and an unknown package', () => {
    const root = repo({
      'parser/src/up.ts': `import { Registerer } from '@sipkit/registerer';`,
      'digest/src/side.ts': `import type { Transport } from '@sipkit/transport';`,
      'transaction/src/runtime.ts': `import { UdpTransport } from '@sipkit/transport/node';`,
      'widgets/src/a.ts': `export const x = 1;`,
    });
    expect(layerViolations(root).sort()).toEqual([
      'packages/digest/src/side.ts: imports types from @sipkit/transport',
      'packages/parser/src/up.ts: imports Registerer from @sipkit/registerer',
      'packages/transaction/src/runtime.ts: imports UdpTransport from @sipkit/transport',
      'packages/widgets: not in the layer table (add it to scripts/layer-check.mjs and DESIGN.md)',
    ]);
  });

  it('finds nothing to report in this repository', () => {
    expect(layerViolations(fileURLToPath(new URL('../..', import.meta.url)))).toEqual([]);
  });
});
