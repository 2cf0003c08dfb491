import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, Index } from '@lancedb/lancedb';
import { DomainError, ErrorCode, type Tenant } from '@recollect/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONTRACT_DIMENSION,
  CONTRACT_IDENTITY,
  describeSearchIndexContract,
  documentRecordOf,
  idsOf,
  makeChunk,
  makeDocument,
  makeDocumentRecord,
  seededVector,
  TENANT_A,
  TENANT_B,
  TENANT_C,
  TENANT_D,
  unitVector,
  withoutVector,
} from '../testing/search-index.contract';
import { chunksToArrowTable } from './chunk-batch';
import { chunkTableSchema } from './chunk-table-schema';
import { documentsToArrowTable } from './document-table';
import { LanceDbSearchIndex, type LanceDbSearchIndexOptions } from './lancedb-search-index';
import { tenantId } from './tenant-id';

async function lanceHarness(options: Partial<LanceDbSearchIndexOptions> = {}) {
  const directory = await mkdtemp(join(tmpdir(), 'recollect-lancedb-'));
  const create = () => new LanceDbSearchIndex({ ...options, directory });
  return {
    directory,
    index: create(),
    reopen: async () => create(),
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
}

/** Nice values of this process's threads whose name matches, from /proc (field 19 of each thread's stat). */
function niceValuesOfThreads(name: RegExp): number[] {
  const values: number[] = [];
  for (const id of readdirSync('/proc/self/task')) {
    try {
      if (!name.test(readFileSync(`/proc/self/task/${id}/comm`, 'utf8').trim())) continue;
      const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
      values.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // The thread exited meanwhile.
    }
  }
  return values;
}

describeSearchIndexContract('LanceDB', () => lanceHarness());

// Maintenance after every write: proves results stay right while rows move into the FTS index and files are compacted.
describeSearchIndexContract('LanceDB, optimizing after every write', () => lanceHarness({ maintenanceEveryWrites: 1 }));

const norm = (vector: Float32Array): number => Math.hypot(...vector);

describe('LanceDbSearchIndex specifics', () => {
  let harness: Awaited<ReturnType<typeof lanceHarness>>;
  const open: LanceDbSearchIndex[] = [];
  const start = async (options: Partial<LanceDbSearchIndexOptions> = {}) => {
    harness = await lanceHarness(options);
    const index = harness.index as LanceDbSearchIndex;
    open.push(index);
    await index.open(CONTRACT_IDENTITY);
    return index;
  };
  const reopen = async (options: Partial<LanceDbSearchIndexOptions> = {}) => {
    await Promise.all(open.map((index) => index.close()));
    const index = new LanceDbSearchIndex({ ...options, directory: harness.directory });
    open.push(index);
    await index.open(CONTRACT_IDENTITY);
    return index;
  };

  afterEach(async () => {
    await Promise.all(open.splice(0).map((index) => index.close()));
    await harness.cleanup();
  });

  it('indexes the merge key of both tables and their scope (in every search filter), and an upsert of indexed rows still replaces them', async () => {
    const index = await start();
    await index.upsert([makeChunk({ documentId: 'd1', text: 'first words' })]);
    await index.upsertDocuments([makeDocumentRecord({ documentId: 'd1', text: 'first words' })]);
    await index.optimize();
    const connection = await connect(harness.directory);
    for (const name of ['chunks', 'chunks_documents']) {
      const table = await connection.openTable(name);
      const indices = await table.listIndices();
      expect(indices.find((i) => i.columns.includes('id'))?.indexType, name).toBe('BTree');
      expect(indices.find((i) => i.columns.includes('scope'))?.indexType, name).toBe('Bitmap');
      table.close();
    }
    connection.close();
    await index.upsert([makeChunk({ documentId: 'd1', text: 'second words' })]);
    expect((await index.listChunks({ tenant: TENANT_A }, { limit: 10, offset: 0 })).map((c) => c.text)).toEqual(['second words']);
  });

  it('writes to the two tables side by side, yet a write called after a delete waits for it on either table', async () => {
    const index = await start();
    await index.upsert([makeChunk({ documentId: 'd1', text: 'chunk before the delete' })]);
    await index.upsertDocuments([makeDocumentRecord({ documentId: 'd1', text: 'apricots, written before the delete' })]);

    const deleted = index.deleteWhere({ tenant: TENANT_A, documentIds: ['d1'] });
    const rewritten = index.upsertDocuments([makeDocumentRecord({ documentId: 'd1', text: 'pomegranates, written once deleted' })]);
    const rechunked = index.upsert([makeChunk({ documentId: 'd1', text: 'chunk after the delete' })]);
    await Promise.all([deleted, rewritten, rechunked]);

    expect((await index.listChunks({ tenant: TENANT_A }, { limit: 10, offset: 0 })).map((c) => c.text)).toEqual(['chunk after the delete']);
    expect((await index.lexicalSearchDocuments('pomegranates', { tenant: TENANT_A }, 10)).map((d) => d.documentId)).toEqual(['d1']);
    expect(await index.lexicalSearchDocuments('apricots', { tenant: TENANT_A }, 10)).toEqual([]);
  });

  it('rows are searchable before they reach the FTS index, and optimize() folds them in', async () => {
    const index = await start();
    await index.upsert(makeDocument({ documentId: 'doc', texts: ['Unindexed walrus.', 'Another walrus.'] }));
    expect(await index.status()).toMatchObject({ rows: 2, rowsNotInTextIndex: 2 });
    expect(await index.lexicalSearch('walrus', { tenant: TENANT_A }, 10)).toHaveLength(2);

    await index.optimize();

    expect(await index.status()).toMatchObject({ rows: 2, rowsNotInTextIndex: 0 });
    expect(await index.lexicalSearch('walrus', { tenant: TENANT_A }, 10)).toHaveLength(2);
  });

  it('runs maintenance in the background once enough rows were written', async () => {
    const index = await start({ maintenanceEveryRows: 5 });
    await index.upsert(makeDocument({ documentId: 'small', count: 2 }));
    await index.upsert(makeDocument({ documentId: 'big', count: 4 }));

    const reopened = await reopen(); // close() waits for the queued maintenance
    expect(await reopened.status()).toMatchObject({ rows: 6, rowsNotInTextIndex: 0 });
  });

  it('builds the vector index past the threshold and still answers exactly, per tenant', async () => {
    const index = await start({ vectorIndexMinRows: 120 });
    const rows = (tenant: typeof TENANT_A, from: number) =>
      Array.from({ length: 60 }, (_, position) => makeChunk({ tenant, documentId: `doc-${from + position}` }));
    await index.upsert(rows(TENANT_A, 0));
    expect(await index.ensureVectorIndex()).toBe(false);
    const query = seededVector('query');
    const exact = await index.vectorSearch(query, { tenant: TENANT_A }, 5);

    await index.upsert(rows(TENANT_D, 100));
    expect(await index.ensureVectorIndex()).toBe(true);

    expect((await index.status()).vectorIndexed).toBe(true);
    const approximate = await index.vectorSearch(query, { tenant: TENANT_A }, 5);
    expect(approximate.map((result) => result.chunk.id)).toEqual(exact.map((result) => result.chunk.id));
    approximate.forEach((result, position) => expect(result.score).toBeCloseTo(exact[position]!.score, 5));
    // A limit whose re-ranked candidates (2 x 60) pass the minimum beam of 100 widens the beam instead of failing.
    expect(await index.vectorSearch(query, { tenant: TENANT_A }, 60)).toHaveLength(60);

    // A small tenant without an organization, once optimize() has folded its rows into every index
    // (the HNSW graph and the tenant B-trees), still gets exactly its own nearest chunks.
    const personal = Array.from({ length: 12 }, (_, position) => makeChunk({ tenant: TENANT_B, documentId: `own-${position}` }));
    await index.upsert(personal);
    await index.optimize();
    const own = await index.vectorSearch(query, { tenant: TENANT_B }, 5);
    const exactOwn = personal
      .map((chunk) => ({ id: chunk.id, score: chunk.vector.reduce((sum, value, i) => sum + value * query[i]!, 0) / (norm(chunk.vector) * norm(query)) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 5);
    expect(own.map((result) => result.chunk.id)).toEqual(exactOwn.map((result) => result.id));
    expect((await (await reopen()).status()).vectorIndexed).toBe(true);
  });

  it('gives tables written before tenant_id and payload existed those columns, filled as new rows get them', async () => {
    harness = await lanceHarness();
    const tenants: Tenant[] = [TENANT_A, TENANT_B, { userId: '😀:1', organizationId: "o'+" }, { userId: '😀', organizationId: "1:+o'+" }];
    const chunks = tenants.map((tenant, i) => makeChunk({ tenant, documentId: `doc-${i}`, text: `shared words, tenant ${i}` }));
    const connection = await connect(harness.directory);
    const oldChunks = await connection.createTable('chunks', chunksToArrowTable(chunks, chunkTableSchema(CONTRACT_IDENTITY), CONTRACT_DIMENSION));
    const oldDocuments = await connection.createTable('chunks_documents', documentsToArrowTable(chunks.map((chunk) => documentRecordOf([chunk]))));
    await oldChunks.dropColumns(['payload']);
    for (const table of [oldChunks, oldDocuments]) {
      await table.dropColumns(['tenant_id']);
      for (const column of ['user_id', 'organization_id']) await table.createIndex(column, { config: Index.btree() });
    }

    const index = new LanceDbSearchIndex({ directory: harness.directory });
    open.push(index);
    await index.open(CONTRACT_IDENTITY);
    // The rewritten rows are back in the text index, not left to be scanned.
    expect(await index.status()).toMatchObject({ rows: tenants.length, rowsNotInTextIndex: 0 });

    for (const [i, tenant] of tenants.entries()) {
      expect(await index.listChunks({ tenant }, { limit: 10, offset: 0 })).toEqual([withoutVector(chunks[i]!)]);
      expect((await index.lexicalSearchDocuments('shared words', { tenant }, 10)).map((hit) => hit.documentId)).toEqual([`doc-${i}`]);
      expect(idsOf(await index.vectorSearch(chunks[i]!.vector, { tenant }, 10))).toEqual([chunks[i]!.id]);
    }
    const later = makeChunk({ tenant: tenants[2], documentId: 'later', text: 'shared words, written after' });
    await index.upsert([later]);
    await index.upsertDocuments([documentRecordOf([later])]);
    expect((await index.lexicalSearchDocuments('shared words', { tenant: tenants[2]! }, 10)).map((hit) => hit.documentId).sort()).toEqual(['doc-2', 'later']);
    for (const table of [oldChunks, oldDocuments]) {
      await table.checkoutLatest();
      const rows = (await table.query().select(['user_id', 'organization_id', 'tenant_id']).toArray()) as Array<{ user_id: string; organization_id: string | null; tenant_id: string }>;
      for (const row of rows) expect(row.tenant_id).toBe(tenantId({ userId: row.user_id, organizationId: row.organization_id }));
      const indexed = (await table.listIndices()).map((i) => i.columns.join());
      expect(indexed).toContain('tenant_id');
      expect(indexed).not.toContain('user_id');
      expect(indexed).not.toContain('organization_id');
      table.close();
    }
    connection.close();
  });

  it('gives a documents table written before file_type that column, filled from the chunks, and fills it again after a fill cut short', async () => {
    harness = await lanceHarness();
    const types = ['application/pdf', "text/o'brien", null, 'application/zip'];
    const tenants = [TENANT_A, TENANT_A, TENANT_A, TENANT_B];
    // The last is another tenant's document under the same id as the first, of another type.
    const documents = types.map((fileType, i) => makeDocument({ tenant: tenants[i], documentId: `doc-${i % 3}`, fileType, texts: [`shared words ${i}`, 'more words'] }));
    const connection = await connect(harness.directory);
    await connection.createTable('chunks', chunksToArrowTable(documents.flat(), chunkTableSchema(CONTRACT_IDENTITY), CONTRACT_DIMENSION));
    const oldDocuments = await connection.createTable('chunks_documents', documentsToArrowTable(documents.map((chunks) => documentRecordOf(chunks))));
    await oldDocuments.dropColumns(['file_type']);
    for (const column of ['text', 'title']) await oldDocuments.createIndex(column, { config: Index.fts() });
    const byType = async (index: LanceDbSearchIndex, tenant: Tenant, fileType: string) =>
      (await index.lexicalSearchDocuments('shared words', { tenant, fileType }, 10)).map((hit) => hit.documentId).sort();

    const index = new LanceDbSearchIndex({ directory: harness.directory });
    open.push(index);
    await index.open(CONTRACT_IDENTITY);
    expect(await byType(index, TENANT_A, 'application/pdf')).toEqual(['doc-0']);
    expect(await byType(index, TENANT_A, "text/o'brien")).toEqual(['doc-1']);
    expect(await byType(index, TENANT_B, 'application/zip')).toEqual(['doc-0']);
    expect(await byType(index, TENANT_B, 'application/pdf')).toEqual([]);
    // The filled rows are back in the text index, not left to be scanned.
    await oldDocuments.checkoutLatest();
    const textIndex = (await oldDocuments.listIndices()).find((i) => i.columns.includes('text'))!;
    expect(await oldDocuments.indexStats(textIndex.name)).toMatchObject({ numUnindexedRows: 0 });
    const marker = join(harness.directory, 'chunks_documents.file-type-fill');
    expect(existsSync(marker)).toBe(false);
    await index.close();

    // A fill cut short: the column is there, the values are not, the marker still stands.
    await oldDocuments.checkoutLatest();
    await oldDocuments.update({ valuesSql: { file_type: 'CAST(NULL AS string)' } });
    writeFileSync(marker, '');
    const reopened = await harness.reopen();
    open.push(reopened);
    await reopened.open(CONTRACT_IDENTITY);
    expect(await byType(reopened, TENANT_A, 'application/pdf')).toEqual(['doc-0']);
    expect(existsSync(marker)).toBe(false);
    oldDocuments.close();
    connection.close();
  });

  it('builds the ANN index again after rewriting a table for its payload column', async () => {
    harness = await lanceHarness();
    const chunks = Array.from({ length: 120 }, (_, position) => makeChunk({ documentId: `doc-${position}` }));
    const connection = await connect(harness.directory);
    const oldChunks = await connection.createTable('chunks', chunksToArrowTable(chunks, chunkTableSchema(CONTRACT_IDENTITY), CONTRACT_DIMENSION));
    await oldChunks.dropColumns(['payload']);
    await oldChunks.createIndex('vector', { config: Index.hnswSq({ distanceType: 'cosine', numPartitions: 1 }) });

    const index = new LanceDbSearchIndex({ directory: harness.directory, vectorIndexMinRows: 100 });
    open.push(index);
    await index.open(CONTRACT_IDENTITY);

    await oldChunks.checkoutLatest();
    const vectorIndex = (await oldChunks.listIndices()).find((i) => i.columns.includes('vector'));
    expect(vectorIndex && (await oldChunks.indexStats(vectorIndex.name))).toMatchObject({ numIndexedRows: 120, numUnindexedRows: 0 });
    expect(idsOf(await index.vectorSearch(chunks[7]!.vector, { tenant: TENANT_A }, 1))).toEqual([chunks[7]!.id]);
    oldChunks.close();
    connection.close();
  });

  it('with the ANN index, a tenant gets its own nearest chunks whether or not others crowd its neighbourhood', async () => {
    const index = await start({ vectorIndexMinRows: 100 });
    // The dominant tenant owns the query's neighbourhood; the small one is far from it, and crowded out.
    const dominant = Array.from({ length: 150 }, (_, position) => makeChunk({ documentId: `a-${position}`, vector: unitVector(1, position / 500, (position % 7) / 50) }));
    const small = Array.from({ length: 3 }, (_, position) => makeChunk({ tenant: TENANT_C, documentId: `c-${position}`, vector: unitVector(position / 10, 1) }));
    await index.upsert([...dominant, ...small]);
    expect(await index.ensureVectorIndex()).toBe(true);
    const query = unitVector(1);
    const nearest = (chunks: typeof dominant, k: number) =>
      [...chunks].sort((a, b) => b.vector[0]! / norm(b.vector) - a.vector[0]! / norm(a.vector)).slice(0, k).map((chunk) => chunk.id);

    for (let round = 0; round < 2; round += 1) {
      expect(idsOf(await index.vectorSearch(query, { tenant: TENANT_A }, 5))).toEqual(nearest(dominant, 5));
      expect(idsOf(await index.vectorSearch(query, { tenant: TENANT_C }, 5))).toEqual(nearest(small, 3));
      expect(idsOf(await index.vectorSearch(query, { tenant: TENANT_C }, 2))).toEqual(nearest(small, 2));
    }
  });

  it('deletes old table versions at maintenance, and at a start that finds many, however few writes each process made', async () => {
    const versionsOf = async (name: string) => {
      const connection = await connect(harness.directory);
      const table = await connection.openTable(name);
      const count = (await table.listVersions()).length;
      table.close();
      connection.close();
      return count;
    };
    const options = { maintenanceEveryWrites: 12, keepOldVersionsMs: 0 };
    // A process that stopped short of its write count (22 writes against 1000).
    let index = await start({ ...options, maintenanceEveryWrites: 1000 });
    for (let write = 0; write < 11; write += 1) {
      await index.upsert([makeChunk({ documentId: `d${write}` })]);
      await index.upsertDocuments([makeDocumentRecord({ documentId: `d${write}`, text: `words ${write}` })]);
    }
    // The next start finds the versions and cleans up.
    expect(await versionsOf('chunks')).toBeGreaterThan(12);
    index = await reopen(options);
    await index.close();
    // What is left: the newest, and those that compaction and index updates made after the cut-off.
    expect(await versionsOf('chunks')).toBeLessThan(5);
    expect(await versionsOf('chunks_documents')).toBeLessThan(5);

    index = await reopen(options);
    expect(await index.listChunks({ tenant: TENANT_A }, { limit: 20, offset: 0 })).toHaveLength(11);
    expect(idsOf(await index.lexicalSearch('words', { tenant: TENANT_A }, 20))).toHaveLength(0);
    expect((await index.lexicalSearchDocuments('words', { tenant: TENANT_A }, 20)).length).toBe(11);
  });

  it('with the ANN index, a filtered search over many identical vectors still returns as many as asked', async () => {
    const index = await start({ vectorIndexMinRows: 1000 });
    // One sentence repeated makes one vector many times over; HNSW's graph walk then reaches few of them.
    const repeated = unitVector(1, 1);
    const own = makeDocument({ documentId: 'repeated', count: 1200, vector: repeated });
    const others = makeDocument({ tenant: TENANT_C, documentId: 'also-repeated', count: 600, vector: repeated });
    const unrelated = Array.from({ length: 400 }, (_, position) => makeChunk({ tenant: TENANT_D, documentId: `other-${position}` }));
    await index.upsert([...own, ...others, ...unrelated]);
    expect(await index.ensureVectorIndex()).toBe(true);

    for (const filter of [{ tenant: TENANT_A }, { tenant: TENANT_A, source: 'api' }]) {
      const hits = await index.vectorSearch(repeated, filter, 100);
      expect(hits).toHaveLength(100);
      expect(new Set(hits.map((hit) => hit.chunk.documentId))).toEqual(new Set(['repeated']));
    }
  });

  it.runIf(existsSync('/proc/self/task'))('runs LanceDB\'s threads at the nice value it is given (Linux)', async () => {
    const index = await start({ threadNiceness: 7 });
    await index.upsert([makeChunk({ documentId: 'd1', text: 'some words' })]);
    const nice = niceValuesOfThreads(/^tokio-rt-worker$/);
    expect(nice.length).toBeGreaterThan(0);
    expect(new Set(nice)).toEqual(new Set([7]));
  });

  it('rejects vectors of the wrong dimension', async () => {
    const index = await start();
    const wrong = makeChunk({ documentId: 'doc', vector: new Float32Array(CONTRACT_DIMENSION + 1).fill(1) });
    await expect(index.upsert([wrong])).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(index.vectorSearch(new Float32Array(3), { tenant: TENANT_A }, 5)).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
    });
    expect(await index.listChunks({ tenant: TENANT_A }, { limit: 10, offset: 0 })).toEqual([]);
  });

  it('rejects a batch with an unparseable timestamp without writing any of it', async () => {
    const index = await start();
    const good = makeChunk({ documentId: 'good' });
    const bad = makeChunk({ documentId: 'bad', lastModified: 'yesterday-ish' });
    await expect(index.upsert([good, bad])).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    expect(await index.listChunks({ tenant: TENANT_A }, { limit: 10, offset: 0 })).toEqual([]);
  });

  it('stores timestamps as UTC ISO strings', async () => {
    const index = await start();
    await index.upsert([makeChunk({ documentId: 'doc', lastModified: '2024-05-01T12:00:00+02:00', createdAt: '2024-05-01' })]);
    const [chunk] = await index.listChunks({ tenant: TENANT_A }, { limit: 1, offset: 0 });
    expect(chunk).toMatchObject({ lastModified: '2024-05-01T10:00:00.000Z', createdAt: '2024-05-01T00:00:00.000Z' });
  });

  it('guards its lifecycle: no use before open, same identity reopens, another is refused, close twice', async () => {
    harness = await lanceHarness();
    const index = harness.index as LanceDbSearchIndex;
    open.push(index);
    await expect(index.listDocuments({ tenant: TENANT_A })).rejects.toBeInstanceOf(DomainError);
    await index.open(CONTRACT_IDENTITY);
    await index.open(CONTRACT_IDENTITY);
    await expect(index.open({ modelId: 'other', dimension: CONTRACT_DIMENSION })).rejects.toMatchObject({
      code: ErrorCode.IndexMismatch,
    });
    await index.close();
    await index.close();
    await expect(index.upsert([makeChunk({ documentId: 'late' })])).rejects.toBeInstanceOf(DomainError);
  });
});
