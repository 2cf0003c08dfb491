import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '@recollect/auth';
import { freePort } from '@recollect/testing';
import { describe, expect, it } from 'vitest';
import { startServiceProcess, type ServiceProcess } from './service-process';

const SECRET = 'start-log-secret-long-enough';

/** Warnings and errors in what the process wrote: its JSON log lines at level warn and up, and any other line naming one. */
function complaints(output: readonly string[]): string[] {
  return output.filter((line) => (line.startsWith('{') ? (JSON.parse(line) as { level: number }).level >= 40 : /warn|error/i.test(line)));
}

describe('the service log', () => {
  // A warning at every start or stop teaches operators to ignore warnings.
  it('has nothing to warn about from a fresh start on its own PostgreSQL, through some work, to the stop', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'recollect-start-log-'));
    chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as its own user and must reach the folder
    let service: ServiceProcess | undefined;
    try {
      service = await startServiceProcess({
        DATA_DIR: dataDir,
        POSTGRES_PORT: String(await freePort()),
        PORT: '0',
        JWT_SECRET: SECRET,
        EMBEDDER: 'hashing',
        LOG_LEVEL: 'warn',
      });
      const headers = { authorization: `Bearer ${signToken({ secret: SECRET, sub: 'alice' })}`, 'content-type': 'application/json' };
      const add = await fetch(`${service.url}/api/v1/context/add`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ source: 'notes', context_type: 'resource', documents: [{ content: 'The harbour lamp burned late.' }] }),
      });
      expect(add.status).toBe(201);
      const search = await fetch(`${service.url}/api/v1/context/search`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: 'harbour lamp', similarity_threshold: 1, minimum_similarity_threshold: 0 }),
      });
      expect(search.status).toBe(202); // the Alchemyst API answers search with 202

      expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(complaints(service.output())).toEqual([]);
    } finally {
      await service?.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
