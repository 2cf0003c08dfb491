import { expect, it } from 'vitest';
import type { ContractContext } from '../search-index.contract';
import { makeDocument, makeDocumentRecord, TENANT_A, TENANT_B, documentRecordOf } from '../contract-fixtures';

const tenantA = { tenant: TENANT_A };
const ids = (results: ReadonlyArray<{ documentId: string }>) => results.map((result) => result.documentId);

export function documentCases(context: ContractContext): void {
  it('ranks whole documents by BM25 over their text, best first, with positive scores', async () => {
    const index = context.index();
    await index.upsertDocuments([
      makeDocumentRecord({ documentId: 'finance', text: 'Quarterly revenue report for the finance team. Revenue grew in every region.' }),
      makeDocumentRecord({ documentId: 'mixed', text: 'The cat ignored the report entirely.' }),
      makeDocumentRecord({ documentId: 'weather', text: 'Heavy rain is expected tomorrow across the region.' }),
    ]);

    const results = await index.lexicalSearchDocuments('quarterly revenue report', tenantA, 10);

    expect(ids(results)[0]).toBe('finance');
    expect(ids(results)).toContain('mixed');
    expect(ids(results)).not.toContain('weather');
    const scores = results.map((result) => result.score);
    for (const score of scores) expect(score).toBeGreaterThan(0);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(await index.lexicalSearchDocuments('revenue', tenantA, 1)).toHaveLength(1);
  });

  it('stems English words, so "reports" finds "report" and "running" finds "runs"', async () => {
    const index = context.index();
    await index.upsertDocuments([makeDocumentRecord({ documentId: 'doc', text: 'She runs the annual report.' })]);
    expect(ids(await index.lexicalSearchDocuments('reports', tenantA, 10))).toEqual(['doc']);
    expect(ids(await index.lexicalSearchDocuments('running', tenantA, 10))).toEqual(['doc']);
  });

  it('scores a match spread over a whole document, not over one of its chunks', async () => {
    const index = context.index();
    // Each chunk holds one query term; only the document holds both.
    const spread = makeDocument({ documentId: 'spread', texts: ['Glaciers retreat every summer.', 'Permafrost thaws as well.'] });
    const single = makeDocument({ documentId: 'single', texts: ['Glaciers are large.', 'Unrelated second part.'] });
    await index.upsert([...spread, ...single]);
    await index.upsertDocuments([documentRecordOf(spread), documentRecordOf(single)]);

    expect(ids(await index.lexicalSearchDocuments('glaciers permafrost', tenantA, 10))).toEqual(['spread', 'single']);
  });

  it('adds titleBoost times the title match, and ignores titles without a boost', async () => {
    const index = context.index();
    await index.upsertDocuments([
      makeDocumentRecord({ documentId: 'titled', title: 'Lighthouse maintenance', text: 'Notes on the lighthouse lamp.' }),
      makeDocumentRecord({ documentId: 'plain', title: 'Other notes', text: 'Notes on the lighthouse lamp.' }),
      makeDocumentRecord({ documentId: 'title-only', title: 'Maintenance schedule', text: 'Every first Monday.' }),
    ]);

    const boosted = await index.lexicalSearchDocuments('lighthouse maintenance', tenantA, 10, { titleBoost: 0.5 });
    expect(ids(boosted)[0]).toBe('titled');
    expect(ids(boosted)).toContain('title-only');
    const [titled, plain] = [boosted.find((r) => r.documentId === 'titled')!, boosted.find((r) => r.documentId === 'plain')!];
    expect(titled.score).toBeGreaterThan(plain.score);

    const unboosted = await index.lexicalSearchDocuments('lighthouse maintenance', tenantA, 10);
    expect(ids(unboosted)).not.toContain('title-only');
    expect(unboosted.find((r) => r.documentId === 'titled')!.score).toBeCloseTo(unboosted.find((r) => r.documentId === 'plain')!.score, 5);
  });

  it('overwrites a document written again, per tenant', async () => {
    const index = context.index();
    await index.upsertDocuments([makeDocumentRecord({ documentId: 'doc', text: 'Original wording about apricots.' })]);
    await index.upsertDocuments([makeDocumentRecord({ documentId: 'doc', tenant: TENANT_B, text: 'Another tenant writes about apricots.' })]);
    await index.upsertDocuments([makeDocumentRecord({ documentId: 'doc', text: 'Rewritten with pomegranate.' })]);

    expect(ids(await index.lexicalSearchDocuments('pomegranate', tenantA, 10))).toEqual(['doc']);
    expect(await index.lexicalSearchDocuments('apricots', tenantA, 10)).toEqual([]);
    expect(ids(await index.lexicalSearchDocuments('apricots', { tenant: TENANT_B }, 10))).toEqual(['doc']);
  });

  it('a batch of new documents and documents written before keeps one of each, the latest', async () => {
    const index = context.index();
    await index.upsertDocuments([makeDocumentRecord({ documentId: 'doc', text: 'Original wording about apricots.' })]);
    await index.upsertDocuments([
      makeDocumentRecord({ documentId: 'new', text: 'A new note about quinces.' }),
      makeDocumentRecord({ documentId: 'doc', text: 'Rewritten with pomegranate.' }),
    ]);

    expect(ids(await index.lexicalSearchDocuments('pomegranate', tenantA, 10))).toEqual(['doc']);
    expect(ids(await index.lexicalSearchDocuments('quinces', tenantA, 10))).toEqual(['new']);
    expect(await index.lexicalSearchDocuments('apricots', tenantA, 10)).toEqual([]);
  });

  it('survives hostile and blank queries', async () => {
    const index = context.index();
    await index.upsertDocuments([
      makeDocumentRecord({ documentId: 'finance', text: 'Quarterly revenue report.' }),
      makeDocumentRecord({ documentId: 'other-tenant', tenant: TENANT_B, text: 'revenue revenue OR 1=1' }),
    ]);
    for (const query of ["revenue' OR '1'='1", '"revenue', 'text:revenue', 'revenue AND report', 'revenue~2', 'revenue\\', 'revenue '.repeat(200)]) {
      expect(ids(await index.lexicalSearchDocuments(query, tenantA, 10)), query).toEqual(['finance']);
    }
    for (const query of ['*', '\\', '[', ';DROP TABLE documents;--']) {
      expect(await index.lexicalSearchDocuments(query, tenantA, 10), query).toEqual([]);
    }
    expect(await index.lexicalSearchDocuments('', tenantA, 10)).toEqual([]);
    expect(await index.lexicalSearchDocuments(' \n\t ', tenantA, 10)).toEqual([]);
  });

  it('keeps documents across a reopen and deletes them with their chunks', async () => {
    const index = context.index();
    const chunks = makeDocument({ documentId: 'kept', texts: ['Persistent walrus facts.'] });
    await index.upsert(chunks);
    await index.upsertDocuments([documentRecordOf(chunks)]);

    const reopened = await context.reopen();
    expect(ids(await reopened.lexicalSearchDocuments('walrus', tenantA, 10))).toEqual(['kept']);
    expect(await reopened.deleteWhere({ ...tenantA, documentIds: ['kept'] })).toBe(1);
    expect(await reopened.lexicalSearchDocuments('walrus', tenantA, 10)).toEqual([]);
  });
}
