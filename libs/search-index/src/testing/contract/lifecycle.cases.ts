import { DomainError, ErrorCode } from '@recollect/contracts';
import { expect, it } from 'vitest';
import type { ContractContext } from '../search-index.contract';
import { CONTRACT_IDENTITY, documentRecordOf, idsOf, makeDocument, TENANT_A, TENANT_B, unitVector, withoutVector } from '../contract-fixtures';

const tenantA = { tenant: TENANT_A };

async function expectMismatch(promise: Promise<unknown>, ...mentions: string[]): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(ErrorCode.IndexMismatch);
  for (const text of mentions) expect((error as DomainError).message).toContain(text);
}

export function lifecycleCases(context: ContractContext): void {
  it('deleteWhere removes chunks from vector search, lexical search and listings', async () => {
    const index = context.index();
    const doomed = makeDocument({ documentId: 'doomed', texts: ['Obsolete pricing sheet.', 'Obsolete discount table.'], vector: unitVector(1) });
    const kept = makeDocument({ documentId: 'kept', texts: ['Current pricing sheet.'], vector: unitVector(1, 0.2) });
    await index.upsert([...doomed, ...kept]);

    expect(await index.deleteWhere({ ...tenantA, documentIds: ['doomed'] })).toBe(2);

    expect(idsOf(await index.vectorSearch(unitVector(1), tenantA, 10))).toEqual([kept[0]!.id]);
    expect(idsOf(await index.lexicalSearch('obsolete pricing', tenantA, 10))).toEqual([kept[0]!.id]);
    expect(await index.lexicalSearch('obsolete discount', tenantA, 10)).toEqual([]);
    expect((await index.listChunks(tenantA, { limit: 10, offset: 0 })).map((chunk) => chunk.id)).toEqual([kept[0]!.id]);
    expect((await index.listDocuments(tenantA)).map((document) => document.documentId)).toEqual(['kept']);
    expect(await index.deleteWhere({ ...tenantA, documentIds: ['doomed'] })).toBe(0);
  });

  it("deleteChunkTails removes each document's chunks from an index on, in its tenant only, and keeps the document record", async () => {
    const index = context.index();
    const long = makeDocument({ documentId: 'long', texts: ['Part zero.', 'Part one.', 'Part two.', 'Part three.'] });
    const other = makeDocument({ documentId: 'other', texts: ['Other zero.', 'Other one.'] });
    const elsewhere = makeDocument({ documentId: 'long', tenant: TENANT_B, texts: ['Theirs zero.', 'Theirs one.', 'Theirs two.'] });
    await index.upsert([...long, ...other, ...elsewhere]);
    await index.upsertDocuments([documentRecordOf(long, { text: 'The long document, about parts.' })]);

    expect(await index.deleteChunkTails(TENANT_A, [{ documentId: 'long', fromChunkIndex: 1 }, { documentId: 'other', fromChunkIndex: 2 }])).toBe(3);
    const left = (await index.listChunks(tenantA, { limit: 10, offset: 0 })).map((chunk) => chunk.text).sort();
    expect(left).toEqual(['Other one.', 'Other zero.', 'Part zero.']);
    expect(await index.listChunks({ tenant: TENANT_B }, { limit: 10, offset: 0 })).toHaveLength(3);
    expect((await index.lexicalSearchDocuments('parts', tenantA, 10)).map((document) => document.documentId)).toEqual(['long']);
    expect(await index.deleteChunkTails(TENANT_A, [])).toBe(0);
  });

  it('a deleted chunk can be written again', async () => {
    const index = context.index();
    const chunks = makeDocument({ documentId: 'phoenix', texts: ['Rises from the ashes.'] });
    await index.upsert(chunks);
    await index.deleteWhere(tenantA);
    await index.upsert(chunks);
    expect(await index.listChunks(tenantA, { limit: 10, offset: 0 })).toEqual(chunks.map(withoutVector));
    expect(idsOf(await index.lexicalSearch('ashes', tenantA, 10))).toEqual([chunks[0]!.id]);
  });

  it('data persists across close and reopen', async () => {
    const chunks = makeDocument({ documentId: 'durable', texts: ['Granite endures.', 'Basalt endures too.'] });
    await context.index().upsert(chunks);

    const reopened = await context.reopen();

    expect(await reopened.listChunks(tenantA, { limit: 10, offset: 0 })).toEqual(chunks.map(withoutVector));
    expect(idsOf(await reopened.vectorSearch(chunks[1]!.vector, tenantA, 1))).toEqual([chunks[1]!.id]);
    expect(idsOf(await reopened.lexicalSearch('granite', tenantA, 10))).toEqual([chunks[0]!.id]);
    await reopened.upsert(makeDocument({ documentId: 'after-reopen', texts: ['Marble shines.'] }));
    expect(await reopened.listDocuments(tenantA)).toHaveLength(2);
  });

  it('refuses to open an index written by another model, naming both', async () => {
    await context.index().upsert(makeDocument({ documentId: 'doc' }));
    const other = { modelId: 'some-other-model', dimension: CONTRACT_IDENTITY.dimension };

    await expectMismatch(context.reopen(other), CONTRACT_IDENTITY.modelId, other.modelId);
  });

  it('refuses to open an index of another dimension, naming both', async () => {
    await context.index().upsert(makeDocument({ documentId: 'doc' }));
    const other = { modelId: CONTRACT_IDENTITY.modelId, dimension: CONTRACT_IDENTITY.dimension * 2 };

    await expectMismatch(context.reopen(other), String(CONTRACT_IDENTITY.dimension), String(other.dimension));
  });

  it('an empty index still remembers its identity', async () => {
    await expectMismatch(context.reopen({ ...CONTRACT_IDENTITY, modelId: 'another' }), 'another');
  });

  it('after a refused open, the right identity opens the untouched data', async () => {
    const chunks = makeDocument({ documentId: 'doc', count: 2 });
    await context.index().upsert(chunks);
    await expectMismatch(context.reopen({ modelId: 'wrong', dimension: 3 }), 'wrong');

    const reopened = await context.reopen();
    expect(await reopened.listChunks(tenantA, { limit: 10, offset: 0 })).toEqual(chunks.map(withoutVector));
  });
}
