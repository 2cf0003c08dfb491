import { readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

// Tests import workspace packages from source, so a test run never depends on a stale build.
const alias = Object.fromEntries(
  ['libs', 'apps', 'tools'].flatMap((dir) =>
    readdirSync(resolve(root, dir)).map((name) => [`@recollect/${name}`, resolve(root, dir, name, 'src/index.ts')]),
  ),
);

export default defineConfig({
  plugins: [swc.vite({ jsc: { target: 'es2022', transform: { legacyDecorator: true, decoratorMetadata: true } } })],
  resolve: { alias },
  test: {
    include: ['apps/*/src/**/*.spec.ts', 'libs/*/src/**/*.spec.ts', 'tools/*/src/**/*.spec.ts', 'apps/*/test/**/*.spec.ts', 'test/**/*.spec.ts'],
    globalSetup: ['libs/testing/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default', resolve(root, 'libs/testing/src/summary-reporter.ts')],
  },
});
