import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@recollect/testing';
import { describe, expect, it } from 'vitest';
import { startServiceProcess } from './service-process';

describe('the service log at start', () => {
  // A warning at every start teaches operators to ignore warnings.
  it('has nothing to warn about on a fresh data folder, and the stop is clean', async () => {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'recollect-start-log-'));
    try {
      const service = await startServiceProcess({ DATA_DIR: dataDir, DATABASE_URL: database.url, PORT: '0', JWT_SECRET: 'start-log-secret-long-enough', EMBEDDER: 'hashing', LOG_LEVEL: 'warn' });
      const health = await fetch(`${service.url}/health/ready`);
      expect(health.status).toBe(200);
      expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      const logged = service.output().filter((line) => line.startsWith('{'));
      expect(logged.map((line) => JSON.parse(line) as { level: number; msg: string }).filter(({ level }) => level >= 40)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await database.drop();
    }
  });
});
