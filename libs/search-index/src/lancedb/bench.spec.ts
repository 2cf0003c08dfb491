import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { ChunkRecord } from '../search-index.port';
import { LanceDbSearchIndex } from './lancedb-search-index';

const DIM = Number(process.env.BENCH_DIM ?? 768);
let seed = 42;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const vocab = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x${(i * 7919) % 997}`);
const vec = () => { const v = new Float32Array(DIM).map(() => rnd() * 2 - 1); const n = Math.hypot(...v); return v.map((x) => x / n); };
const text = () => Array.from({ length: 150 }, () => vocab[Math.floor(rnd() ** 2 * vocab.length)]).join(' ');
const now = new Date().toISOString();
function chunks(from: number, count: number): ChunkRecord[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k; const doc = Math.floor(i / 10);
    return { id: `c${i}`, tenant: { userId: `u${doc % 10}`, organizationId: doc % 2 ? 'o1' : null }, documentId: `d${doc}`, chunkIndex: i % 10,
      text: text(), vector: vec(), source: 'api', contextType: 'resource', scope: 'internal', fileName: `f${doc}.txt`, fileType: 'text/plain',
      groupName: ['g1', `g${doc % 5}`], lastModified: now, fileSize: 1000, metadata: { i }, createdAt: now, updatedAt: now };
  });
}
async function time<T>(label: string, fn: () => Promise<T>, times = 1): Promise<T> {
  let result!: T; const t0 = performance.now();
  for (let i = 0; i < times; i++) result = await fn();
  process.stderr.write(`${label}: ${((performance.now() - t0) / times).toFixed(1)} ms${times > 1 ? ` (avg of ${times})` : ''}\n`);
  return result;
}

describe.skipIf(!process.env.LANCE_BENCH)('bench', () => {
  it('measures', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'lance-bench-'));
    const index = new LanceDbSearchIndex({ directory, maintenanceEveryWrites: 1e9, maintenanceEveryRows: 1e9 });
    await index.open({ modelId: 'bench', dimension: DIM });
    const batches = Array.from({ length: 10 }, (_, b) => chunks(b * 1000, 1000));
    for (let b = 0; b < 10; b++) await time(`upsert 1k (table has ${b}k)`, () => index.upsert(batches[b]!));
    const filter = { tenant: { userId: 'u3', organizationId: 'o1' } };
    const q = vec();
    await time('vectorSearch 10k rows, tenant filter, limit 10', () => index.vectorSearch(q, filter, 10), 20);
    await time('vectorSearch 10k rows, tenant+group filter', () => index.vectorSearch(q, { ...filter, groupName: ['g1', 'g3'] }, 10), 20);
    const words = `${vocab[3]} ${vocab[50]} ${vocab[700]}`;
    await time('lexicalSearch 10k rows all UNINDEXED', () => index.lexicalSearch(words, filter, 10), 20);
    process.stderr.write(JSON.stringify(await index.status()) + '\n');
    await time('optimize (fold 10k rows into FTS, compact 10 fragments)', () => index.optimize());
    process.stderr.write(JSON.stringify(await index.status()) + '\n');
    await time('lexicalSearch 10k rows indexed', () => index.lexicalSearch(words, filter, 10), 20);
    await time('vectorSearch 10k rows after compaction', () => index.vectorSearch(q, filter, 10), 20);
    for (let i = 0; i < 100; i++) await index.upsert(chunks(40_000 + i * 10, 10));
    await time('100 small upserts after: vectorSearch (100 extra fragments)', () => index.vectorSearch(q, filter, 10), 20);
    await time('100 small upserts after: lexicalSearch (1k unindexed in 100 fragments)', () => index.lexicalSearch(words, filter, 10), 20);
    await time('optimize after 100 small writes', () => index.optimize());
    await time('vectorSearch compacted', () => index.vectorSearch(q, filter, 10), 20);
    await time('upsert 10 chunks', () => index.upsert(chunks(50_000, 10)), 10);
    await time('optimize after 10 small writes', () => index.optimize());
    const exact = await index.vectorSearch(q, filter, 10);
    await index.close();
    const ann = new LanceDbSearchIndex({ directory, vectorIndexMinRows: 10_000 });
    await time('reopen', () => ann.open({ modelId: 'bench', dimension: DIM }));
    await time('ensureVectorIndex (HNSW_SQ, ~11k rows)', () => ann.ensureVectorIndex());
    const approx = await time('vectorSearch with HNSW_SQ + refine', () => ann.vectorSearch(q, filter, 10), 20);
    console.log('recall@10 vs exact', approx.filter((r) => exact.some((e) => e.chunk.id === r.chunk.id)).length / exact.length,
      'score diff', Math.abs(approx[0]!.score - exact[0]!.score));
    await time('upsert 1k with vector index present', () => ann.upsert(chunks(30_000, 1000)));
    await time('optimize with vector index (1k new rows)', () => ann.optimize());
    await ann.close();
    await rm(directory, { recursive: true, force: true });
  }, 600_000);
});
