import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSearchIndexContract } from '../testing/search-index.contract';
import { LanceDbSearchIndex, type LanceDbSearchIndexOptions } from './lancedb-search-index';

async function lanceHarness(options: Partial<LanceDbSearchIndexOptions> = {}) {
  const directory = await mkdtemp(join(tmpdir(), 'recollect-lancedb-'));
  const create = () => new LanceDbSearchIndex({ ...options, directory });
  return {
    index: create(),
    reopen: async () => create(),
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
}

describeSearchIndexContract('LanceDB', () => lanceHarness());

// Maintenance after every write: proves results stay right while rows move into the FTS index and files are compacted.
describeSearchIndexContract('LanceDB, optimizing after every write', () => lanceHarness({ maintenanceEveryWrites: 1 }));
