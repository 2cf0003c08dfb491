import { expect, it } from 'vitest';
import type { ContractContext } from '../search-index.contract';
import { idsOf, makeChunk, makeDocument, seededVector, TENANT_A, TENANT_B, unitVector, withoutVector } from '../contract-fixtures';

const tenantA = { tenant: TENANT_A };

const HOSTILE_QUERIES = [
  "x' OR '1'='1",
  "revenue' OR '1'='1",
  '"revenue',
  'revenue"',
  '(revenue',
  'revenue)',
  'text:revenue',
  'revenue AND report',
  'revenue OR NOT report',
  '*',
  'revenue*',
  '?',
  '-revenue +report',
  'revenue~2',
  'revenue^3',
  '[revenue TO report]',
  '{}',
  '\\',
  'revenue\\',
  '/revenue/',
  "''",
  '&& || !',
  ';DROP TABLE chunks;--',
  '\u0000revenue',
  'revenue '.repeat(200),
  'a'.repeat(5000),
];

export function searchCases(context: ContractContext): void {
  it('vector search returns the nearest chunk first with scores in 0..1, best first', async () => {
    const index = context.index();
    await index.upsert([
      makeChunk({ documentId: 'far', vector: unitVector(0, 0, 1) }),
      makeChunk({ documentId: 'near', vector: unitVector(1, 0.1) }),
      makeChunk({ documentId: 'opposite', vector: unitVector(-1) }),
      makeChunk({ documentId: 'middle', vector: unitVector(1, 1) }),
    ]);

    const results = await index.vectorSearch(unitVector(1), tenantA, 10);

    expect(results.map((result) => result.chunk.documentId)).toEqual(['near', 'middle', 'far', 'opposite']);
    const scores = results.map((result) => result.score);
    for (const score of scores) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[0]).toBeGreaterThan(0.99);
    expect(scores[1]).toBeCloseTo(Math.SQRT1_2, 3);
    expect(scores[3]).toBe(0);
    expect(await index.vectorSearch(unitVector(1), tenantA, 2)).toHaveLength(2);
  });

  it('returns every stored field unchanged, and never the vector', async () => {
    const index = context.index();
    const full = makeChunk({
      documentId: 'full',
      text: 'It\'s "quoted", naïve ✓ — multi\nline',
      groupName: ['alpha', 'with space', "o'quote"],
      metadata: { nested: { list: [1, 'two', null, true] }, unicode: 'héllo ✓' },
      fileSize: 9_007_199_254,
    });
    const sparse = makeChunk({
      documentId: 'sparse',
      tenant: TENANT_B,
      fileName: null,
      fileType: null,
      lastModified: null,
      fileSize: null,
      groupName: [],
      metadata: {},
    });
    await index.upsert([full, sparse]);

    const [found] = await index.vectorSearch(full.vector, tenantA, 1);
    expect(found?.chunk).toEqual(withoutVector(full));
    expect(found?.chunk).not.toHaveProperty('vector');
    expect(await index.listChunks({ tenant: TENANT_B }, { limit: 10, offset: 0 })).toEqual([withoutVector(sparse)]);
  });

  it('filters apply before ranking, so a narrow filter never loses its matches to closer rows', async () => {
    const index = context.index();
    const crowd = Array.from({ length: 60 }, (_, position) =>
      makeChunk({ documentId: `crowd-${position}`, tenant: TENANT_B, vector: unitVector(1, position / 1000), text: 'Harbour harbour harbour.' }),
    );
    const crowdSameTenant = makeDocument({ documentId: 'crowd-a', count: 30, vector: unitVector(1), text: 'Harbour harbour harbour.' });
    const needle = makeChunk({ documentId: 'needle', vector: unitVector(0, 1), text: 'A quiet harbour.', scope: 'needle' });
    await index.upsert([...crowd, ...crowdSameTenant, needle]);

    expect(idsOf(await index.vectorSearch(unitVector(1), { tenant: TENANT_A, scope: 'needle' }, 3))).toEqual([needle.id]);
    expect(idsOf(await index.lexicalSearch('harbour', { tenant: TENANT_A, scope: 'needle' }, 3))).toEqual([needle.id]);
    expect(idsOf(await index.vectorSearch(unitVector(1), { tenant: TENANT_A, documentIds: ['needle'] }, 1))).toEqual([needle.id]);
  });

  it('a confined vector search started before its vector gives what vector search gives', async () => {
    const index = context.index();
    const wanted = ['alpha', 'beta', 'gamma'].flatMap((documentId) => makeDocument({ documentId, count: 4 }));
    const other = makeDocument({ documentId: 'other', count: 4 });
    const otherTenant = makeDocument({ documentId: 'alpha', count: 4, tenant: TENANT_B });
    await index.upsert([...wanted, ...other, ...otherTenant]);
    const query = seededVector('confined query');
    const filter = { tenant: TENANT_A, documentIds: ['alpha', 'beta', 'gamma'] };
    let resolveVector!: (vector: Float32Array) => void;
    const vector = new Promise<Float32Array>((resolve) => (resolveVector = resolve));

    const confined = index.confinedVectorSearch(vector, filter, 100);
    resolveVector(query);
    const found = await confined;

    // Chunks pointing away from the query all score 0, in no defined order: compare by id.
    const expected = new Map((await index.vectorSearch(query, filter, 100)).map((hit) => [hit.chunk.id, hit]));
    expect(found).toHaveLength(wanted.length);
    for (const hit of found) {
      expect(hit.chunk).toEqual(expected.get(hit.chunk.id)?.chunk);
      expect(hit.score).toBeCloseTo(expected.get(hit.chunk.id)!.score, 5);
    }
    expect(found.map((hit) => hit.score)).toEqual(found.map((hit) => hit.score).sort((a, b) => b - a));
    expect(found.map((hit) => hit.chunk)).toEqual(expect.arrayContaining(wanted.map(withoutVector)));
    expect(found.filter((hit) => hit.score > 0).length).toBeGreaterThan(2);
  });

  it("a confined vector search keeps all of the tenant's chunks when others' chunks under the same document ids would pass its limit", async () => {
    const index = context.index();
    const own = makeDocument({ documentId: 'alpha', count: 4 });
    await index.upsert([...own, ...makeDocument({ documentId: 'alpha', count: 4, tenant: TENANT_B })]);
    const query = own[2]!.vector;

    const found = await index.confinedVectorSearch(Promise.resolve(query), { tenant: TENANT_A, documentIds: ['alpha'] }, 5);

    expect(found.map((hit) => hit.chunk.id).sort()).toEqual(own.map((chunk) => chunk.id).sort());
    expect(found[0]?.chunk.id).toBe(own[2]!.id);
    expect(found.map((hit) => hit.score)).toEqual(found.map((hit) => hit.score).sort((a, b) => b - a));
  });

  it('a confined vector search over more chunks than its limit keeps the most similar', async () => {
    const index = context.index();
    const chunks = makeDocument({ documentId: 'long', count: 12 });
    await index.upsert(chunks);
    const query = chunks[7]!.vector;
    const filter = { tenant: TENANT_A, documentIds: ['long'] };

    const found = await index.confinedVectorSearch(Promise.resolve(query), filter, 3);

    expect(idsOf(found)).toEqual(idsOf(await index.vectorSearch(query, filter, 3)));
    expect(found[0]?.chunk.id).toBe(chunks[7]!.id);
    expect(found[0]?.score).toBeGreaterThan(0.99);
  });

  it('lexical search ranks the chunk containing the query terms first', async () => {
    const index = context.index();
    await index.upsert([
      ...makeDocument({ documentId: 'pets', texts: ['The cat sat on the mat.', 'Dogs bark loudly at night.'] }),
      ...makeDocument({ documentId: 'finance', texts: ['Quarterly revenue report for the finance team.'] }),
      ...makeDocument({ documentId: 'mixed', texts: ['The cat ignored the report entirely.'] }),
      ...makeDocument({ documentId: 'weather', texts: ['Heavy rain is expected tomorrow across the region.'] }),
    ]);

    const results = await index.lexicalSearch('quarterly revenue report', tenantA, 10);

    expect(results[0]?.chunk.documentId).toBe('finance');
    expect(results[0]?.score).toBeGreaterThan(0);
    const scores = results.map((result) => result.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(results.map((result) => result.chunk.documentId)).not.toContain('weather');
    expect(await index.lexicalSearch('cat', tenantA, 1)).toHaveLength(1);
  });

  it('lexical search finds a chunk written just before, after earlier writes and searches', async () => {
    const index = context.index();
    await index.upsert(makeDocument({ documentId: 'first', texts: ['Lighthouses guide ships at night.'] }));
    expect(idsOf(await index.lexicalSearch('lighthouses', tenantA, 5))).toHaveLength(1);

    for (let batch = 0; batch < 5; batch += 1) {
      await index.upsert(makeDocument({ documentId: `later-${batch}`, texts: [`Zanzibar spice number ${batch}.`] }));
      const found = await index.lexicalSearch('zanzibar', tenantA, 10);
      expect(found.map((result) => result.chunk.documentId)).toContain(`later-${batch}`);
      expect(await index.vectorSearch(makeChunk({ documentId: `later-${batch}` }).vector, tenantA, 1)).toMatchObject([
        { chunk: { documentId: `later-${batch}` } },
      ]);
    }
  });

  it('lexical search survives hostile query strings and never leaves the tenant', async () => {
    const index = context.index();
    await index.upsert([
      ...makeDocument({ documentId: 'finance', texts: ['Quarterly revenue report for the finance team.'] }),
      ...makeDocument({ documentId: 'pets', texts: ['The cat sat on the mat.'] }),
      ...makeDocument({ documentId: 'other-tenant', tenant: TENANT_B, texts: ['revenue revenue report OR 1=1'] }),
    ]);

    for (const query of HOSTILE_QUERIES) {
      const results = await index.lexicalSearch(query, tenantA, 10);
      expect(Array.isArray(results), query).toBe(true);
      for (const result of results) expect(result.chunk.tenant, query).toEqual(TENANT_A);
      if (/\brevenue\b/.test(query) && !query.includes('\u0000')) {
        expect(results[0]?.chunk.documentId, query).toBe('finance');
      }
    }
  });

  it('lexical search answers an empty or blank query with no results', async () => {
    const index = context.index();
    await index.upsert(makeDocument({ documentId: 'doc', texts: ['Some text.'] }));
    expect(await index.lexicalSearch('', tenantA, 10)).toEqual([]);
    expect(await index.lexicalSearch('  \n\t ', tenantA, 10)).toEqual([]);
  });

  it('redelivered chunks overwrite instead of duplicating', async () => {
    const index = context.index();
    const chunks = makeDocument({ documentId: 'doc', texts: ['Original wording one.', 'Original wording two.', 'Three.'] });
    await index.upsert(chunks);
    await index.upsert(chunks);
    await index.upsert([chunks[0]!, chunks[0]!]);
    const edited = { ...chunks[1]!, text: 'Rewritten with pomegranate.', updatedAt: '2024-03-01T00:00:00.000Z' };
    await index.upsert([edited]);

    const listed = await index.listChunks(tenantA, { limit: 100, offset: 0 });
    expect(listed.map((chunk) => chunk.id)).toEqual(chunks.map((chunk) => chunk.id));
    expect(listed[1]).toEqual(withoutVector(edited));
    expect(await index.vectorSearch(chunks[0]!.vector, tenantA, 10)).toHaveLength(3);
    expect(idsOf(await index.lexicalSearch('pomegranate', tenantA, 10))).toEqual([edited.id]);
    expect(idsOf(await index.lexicalSearch('original wording two', tenantA, 10))).not.toContain(edited.id);
    expect(await index.listDocuments(tenantA)).toMatchObject([{ documentId: 'doc', chunkCount: 3 }]);
  });

  it('a batch of new chunks and chunks written before keeps one row of each, the latest', async () => {
    const index = context.index();
    const [first, second, third] = makeDocument({ documentId: 'doc', texts: ['Written first.', 'Written second.', 'Written third.'] });
    await index.upsert([first!]);
    const rewritten = { ...first!, text: 'Written first, then rewritten.' };
    await index.upsert([second!, rewritten, third!]);

    const listed = await index.listChunks(tenantA, { limit: 100, offset: 0 });
    expect(listed.map((chunk) => chunk.text)).toEqual(['Written first, then rewritten.', 'Written second.', 'Written third.']);
    expect(await index.listDocuments(tenantA)).toMatchObject([{ documentId: 'doc', chunkCount: 3 }]);
  });

  it('concurrent upserts all land, without duplicates', async () => {
    const index = context.index();
    const batches = Array.from({ length: 8 }, (_, batch) =>
      // Batches overlap: documents repeat across neighbouring batches.
      [...makeDocument({ documentId: `doc-${batch}`, count: 3 }), ...makeDocument({ documentId: `doc-${batch + 1}`, count: 3 })],
    );
    await Promise.all(batches.map((batch) => index.upsert(batch)));

    const listed = await index.listChunks(tenantA, { limit: 1000, offset: 0 });
    expect(listed).toHaveLength(9 * 3);
    expect(new Set(listed.map((chunk) => chunk.id)).size).toBe(9 * 3);
  });
}
