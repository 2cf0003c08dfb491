import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { ChunkRecord } from '../search-index.port';
import { LanceDbSearchIndex } from './lancedb-search-index';

// Timings behind the adapter's defaults. Run: LANCEDB_BENCH=1 npx vitest run libs/search-index/src/lancedb/lancedb-search-index.bench.spec.ts
const DIMENSION = Number(process.env.LANCEDB_BENCH_DIMENSION ?? 768);
const IDENTITY = { modelId: 'bench', dimension: DIMENSION };
const VOCABULARY = Array.from({ length: 5000 }, (_, position) => `w${position.toString(36)}`);

let state = 42;
const random = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const randomVector = (): Float32Array => {
  const vector = new Float32Array(DIMENSION).map(() => random() * 2 - 1);
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
};
// Skewed word frequencies, ~150 words per chunk, like real prose.
const randomText = (): string => Array.from({ length: 150 }, () => VOCABULARY[Math.floor(random() ** 2 * VOCABULARY.length)]).join(' ');

/** Ten chunks per document, documents spread over ten tenants. */
function chunks(from: number, count: number): ChunkRecord[] {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, offset) => {
    const position = from + offset;
    const document = Math.floor(position / 10);
    return {
      id: `c${position}`,
      tenant: { userId: `u${document % 10}`, organizationId: document % 2 ? 'o1' : null },
      documentId: `d${document}`,
      chunkIndex: position % 10,
      text: randomText(),
      vector: randomVector(),
      source: 'api',
      contextType: 'resource',
      scope: 'internal',
      fileName: `f${document}.txt`,
      fileType: 'text/plain',
      groupName: ['all', `g${document % 5}`],
      lastModified: now,
      fileSize: 1000,
      metadata: { position },
      createdAt: now,
      updatedAt: now,
    };
  });
}

async function time<T>(label: string, run: () => Promise<T>, repeat = 1): Promise<T> {
  let result!: T;
  const started = performance.now();
  for (let round = 0; round < repeat; round += 1) result = await run();
  const each = (performance.now() - started) / repeat;
  process.stdout.write(`${label}: ${each.toFixed(1)} ms${repeat > 1 ? ` (mean of ${repeat})` : ''}\n`);
  return result;
}

describe.skipIf(!process.env.LANCEDB_BENCH)('LanceDbSearchIndex timings', () => {
  it('upserts, searches and maintains a 10k-row table', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'recollect-lancedb-bench-'));
    const noMaintenance = { maintenanceEveryWrites: Infinity, maintenanceEveryRows: Infinity };
    const index = new LanceDbSearchIndex({ directory, ...noMaintenance });
    await index.open(IDENTITY);
    // Chunks are generated outside the timed calls: only the adapter is measured.
    for (let batch = 0; batch < 10; batch += 1) {
      const batchChunks = chunks(batch * 1000, 1000);
      await time(`upsert 1k chunks into ${batch}k rows`, () => index.upsert(batchChunks));
    }
    const filter = { tenant: { userId: 'u3', organizationId: 'o1' } };
    const query = randomVector();
    const words = `${VOCABULARY[3]} ${VOCABULARY[50]} ${VOCABULARY[700]}`;
    await time('vectorSearch, 10k rows, tenant filter', () => index.vectorSearch(query, filter, 10), 20);
    await time('vectorSearch, 10k rows, tenant + groups', () => index.vectorSearch(query, { ...filter, groupName: ['all', 'g3'] }, 10), 20);
    await time('lexicalSearch, 10k rows none in FTS index', () => index.lexicalSearch(words, filter, 10), 20);
    await time('optimize: 10k rows into FTS index', () => index.optimize());
    await time('lexicalSearch, 10k rows all in FTS index', () => index.lexicalSearch(words, filter, 10), 20);
    const fresh = chunks(10_000, 1000);
    const redelivered = chunks(4000, 1000);
    await time('upsert 1k new chunks into 10k rows', () => index.upsert(fresh));
    await time('re-upsert 1k existing chunks (update path)', () => index.upsert(redelivered));
    await time('lexicalSearch, 2k rows outside FTS index', () => index.lexicalSearch(words, filter, 10), 20);
    for (let write = 0; write < 100; write += 1) await index.upsert(chunks(20_000 + write * 10, 10));
    await time('vectorSearch after 100 small writes (100 fragments)', () => index.vectorSearch(query, filter, 10), 20);
    await time('optimize after 100 small writes', () => index.optimize());
    const document = chunks(30_000, 10);
    await time('upsert one 10-chunk document', () => index.upsert(document), 10);
    await time('listChunks, page of 50', () => index.listChunks(filter, { limit: 50, offset: 100 }), 10);
    await time('listDocuments, one tenant', () => index.listDocuments(filter), 10);
    await time('deleteWhere, one document', () => index.deleteWhere({ ...filter, documentIds: ['d13'] }));
    const exact = await index.vectorSearch(query, filter, 10);
    await index.close();

    const withAnn = new LanceDbSearchIndex({ directory, ...noMaintenance, vectorIndexMinRows: 10_000 });
    await withAnn.open(IDENTITY);
    await time('ensureVectorIndex: IVF_HNSW_SQ build', () => withAnn.ensureVectorIndex());
    const approximate = await time('vectorSearch with ANN index', () => withAnn.vectorSearch(query, filter, 10), 20);
    const recall = approximate.filter((result) => exact.some((hit) => hit.chunk.id === result.chunk.id)).length / exact.length;
    process.stdout.write(`ANN recall@10 against exact search: ${recall}\n`);
    await withAnn.upsert(chunks(40_000, 1000));
    await time('optimize with ANN index: 1k new rows', () => withAnn.optimize());
    await withAnn.close();
    await rm(directory, { recursive: true, force: true });
  }, 900_000);
});
