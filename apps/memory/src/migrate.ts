import 'reflect-metadata';
import { loadEnv } from '@recollect/config';
import { runMigrations } from '@recollect/runtime';
import { memoryMigrations } from './migrations';

/** One-shot: applies the memory service's migrations (the migration Job, `npm run migrate`), then exits. */
async function main(): Promise<void> {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new Error('Invalid environment:\n  DATABASE_URL is required to migrate');
  await runMigrations(env.DATABASE_URL, [{ service: 'memory', migrations: memoryMigrations, tableName: 'memory_migrations' }], (line) => process.stdout.write(`${line}\n`));
}

main().catch((error: unknown) => {
  process.stderr.write(`memory migrations failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
