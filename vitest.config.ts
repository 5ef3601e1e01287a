import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests import sibling packages from source, so `pnpm test` needs no build first.
const alias: Record<string, string> = {};
const projects: { dir: string; name: string }[] = [];
for (const group of ['packages', 'apps']) {
  for (const dir of readdirSync(`${root}${group}`)) {
    const base = `${root}${group}/${dir}`;
    if (!existsSync(`${base}/package.json`)) continue;
    const name = group === 'packages' ? `@sipkit/${dir}` : `@sipkit/${dir}-app`;
    if (group === 'packages') {
      if (existsSync(`${base}/src/node.ts`)) alias[`${name}/node`] = `${base}/src/node.ts`;
      if (existsSync(`${base}/src/core.ts`)) alias[`${name}/core`] = `${base}/src/core.ts`;
      alias[name] = `${base}/src/index.ts`;
    }
    projects.push({ dir: `${group}/${dir}`, name });
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      ...projects.map(({ dir, name }) => ({
        resolve: { alias },
        test: {
          name,
          root: `${root}${dir}`,
          include: ['test/**/*.test.ts'],
          // Interop tests need the Kamailio that only the `interop` project starts.
          exclude: ['**/node_modules/**', 'test/**/*.interop.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      })),
      {
        test: {
          // The repository's own checks (scripts/), such as the layer table.
          name: 'scripts',
          root: `${root}scripts`,
          include: ['test/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'interop',
          root,
          include: [
            'packages/*/test/**/*.interop.test.ts',
            'apps/*/test/**/*.interop.test.ts',
            'interop/test/**/*.test.ts',
          ],
          // Chromium first: a failed install then stops the run before Kamailio starts.
          globalSetup: ['interop/chromium-setup.ts', 'interop/kamailio-setup.ts'],
          environment: 'node',
          testTimeout: 20_000,
          // One shared server with shared users: files must not register the same user at once.
          fileParallelism: false,
        },
      },
    ],
  },
});
