import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signToken } from '@recollect/auth';
import { freePort } from '@recollect/database';
import { spawnUntil, type Spawned } from './processes';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const BENCH_SECRET = 'benchmark-secret-not-for-production';

export interface Service extends Spawned {
  url: string;
  dataDir: string;
  token(sub: string, org?: string): string;
}

/** World-traversable, so the embedded PostgreSQL (its own user when run as root) can keep its cluster inside. */
export function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'recollect-bench-'));
  chmodSync(dir, 0o755);
  return dir;
}

/** A benchmark's data directory holds a PostgreSQL cluster and up to 600 MB of index: gone once measured. */
export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The real embedded service, in its own process, exactly as `npm start` runs it. Stopping it removes
 * the data directory it was started with, unless the caller passed one (and keeps it for later).
 */
export async function startService(env: Record<string, string> = {}, givenDataDir?: string): Promise<Service> {
  const dataDir = givenDataDir ?? newDataDir();
  const started = await spawnUntil(
    join(REPO_ROOT, 'apps/embedded/dist/main.js'),
    [],
    {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      POSTGRES_PORT: String(await freePort()),
      JWT_SECRET: BENCH_SECRET,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...env,
    },
    (line) => /listening on (http:\/\/\S+)/.exec(line)?.[1],
  );
  const stop = async (): Promise<void> => {
    await started.stop();
    if (givenDataDir === undefined) removeDataDir(dataDir);
  };
  return { ...started, stop, url: started.value, dataDir, token: (sub, org) => signToken({ secret: BENCH_SECRET, sub, org }) };
}
