import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The built library, as the service loads it; `npm test` builds it first. */
const BUILT = resolve(__dirname, '../../dist');

/** Writes, builds a vector index, writes more and maintains: the path on which the engine had a warning to print. */
const SCRIPT = `
const { LanceDbSearchIndex } = require(process.env.BUILT);
const dimension = 16;
const now = new Date().toISOString();
const chunk = (k) => ({ id: 'c' + k, tenant: { userId: 'u', organizationId: null }, documentId: 'd' + k, chunkIndex: 0, text: 'text ' + k,
  vector: Float32Array.from({ length: dimension }, (_, i) => Math.sin(k * 7 + i)), source: 's', contextType: 'resource', scope: 'internal',
  fileName: 'f' + k, fileType: 'text/plain', groupName: [], lastModified: now, fileSize: 10, metadata: {}, createdAt: now, updatedAt: now });
(async () => {
  const index = new LanceDbSearchIndex({ directory: process.env.DIR, vectorIndexMinRows: 1, maintenanceEveryWrites: 1e6, maintenanceEveryRows: 1e7 });
  await index.open({ modelId: 'm', dimension });
  await index.upsert(Array.from({ length: 3000 }, (_, k) => chunk(k)));
  await index.ensureVectorIndex();
  await index.upsert(Array.from({ length: 100 }, (_, k) => chunk(5000 + k)));
  await index.optimize();
  await index.close();
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('the embedded engine', () => {
  // A raw line from the engine on stderr breaks the service's JSON log.
  it('writes nothing to stderr while it builds and maintains a vector index', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recollect-engine-log-'));
    try {
      const { LANCE_INCLUDE_VECTOR_CENTROIDS: _, ...env } = process.env;
      const run = spawnSync(process.execPath, ['-e', SCRIPT], { env: { ...env, BUILT, DIR: join(dir, 'index') }, encoding: 'utf8', timeout: 120_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
