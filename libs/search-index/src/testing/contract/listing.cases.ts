import { expect, it } from 'vitest';
import type { ContractContext } from '../search-index.contract';
import { makeDocument, TENANT_A } from '../contract-fixtures';

const tenantA = { tenant: TENANT_A };
const EARLY = '2024-01-01T00:00:00.000Z';
const LATE = '2024-06-01T00:00:00.000Z';

export function listingCases(context: ContractContext): void {
  it('listChunks orders by createdAt, then documentId, then chunkIndex (numerically)', async () => {
    const index = context.index();
    const b = makeDocument({ documentId: 'b', createdAt: LATE, count: 2 });
    const a = makeDocument({ documentId: 'a', createdAt: LATE, count: 2 });
    // Twelve chunks, so lexical ordering of indices (10 before 2) would show.
    const c = makeDocument({ documentId: 'c', createdAt: EARLY, count: 12 });
    await index.upsert([...b, c[11]!, ...c.slice(0, 11).reverse(), ...[...a].reverse()]);

    const listed = await index.listChunks(tenantA, { limit: 100, offset: 0 });

    const expected = [...c, ...a, ...b];
    expect(listed.map((chunk) => `${chunk.documentId}#${chunk.chunkIndex}`)).toEqual(expected.map((chunk) => `${chunk.documentId}#${chunk.chunkIndex}`));
    for (const chunk of listed) expect(chunk).not.toHaveProperty('vector');
  });

  it('listChunks pages with limit and offset', async () => {
    const index = context.index();
    await index.upsert([...makeDocument({ documentId: 'a', createdAt: EARLY, count: 4 }), ...makeDocument({ documentId: 'b', createdAt: LATE, count: 3 })]);
    const all = await index.listChunks(tenantA, { limit: 100, offset: 0 });
    expect(all).toHaveLength(7);

    const pages = [];
    for (let offset = 0; offset < 7; offset += 3) pages.push(...(await index.listChunks(tenantA, { limit: 3, offset })));
    expect(pages).toEqual(all);
    expect(await index.listChunks(tenantA, { limit: 2, offset: 5 })).toEqual(all.slice(5));
    expect(await index.listChunks(tenantA, { limit: 10, offset: 7 })).toEqual([]);
    expect(await index.listChunks(tenantA, { limit: 0, offset: 0 })).toEqual([]);
  });

  it('listDocuments returns one summary per document with its chunk count', async () => {
    const index = context.index();
    await index.upsert([
      ...makeDocument({
        documentId: 'guide',
        createdAt: LATE,
        count: 3,
        fileName: 'guide.md',
        fileType: 'text/markdown',
        groupName: ['docs', 'onboarding'],
        source: 'upload',
        lastModified: '2024-05-05T05:05:05.000Z',
        fileSize: 4096,
      }),
      ...makeDocument({ documentId: 'memo', createdAt: EARLY, count: 1, fileName: null, fileType: null, fileSize: null, lastModified: null }),
    ]);

    expect(await index.listDocuments(tenantA)).toEqual([
      {
        documentId: 'memo',
        fileName: null,
        fileType: null,
        groupName: [],
        source: 'api',
        lastModified: null,
        fileSize: null,
        chunkCount: 1,
        createdAt: EARLY,
      },
      {
        documentId: 'guide',
        fileName: 'guide.md',
        fileType: 'text/markdown',
        groupName: ['docs', 'onboarding'],
        source: 'upload',
        lastModified: '2024-05-05T05:05:05.000Z',
        fileSize: 4096,
        chunkCount: 3,
        createdAt: LATE,
      },
    ]);
  });
}
