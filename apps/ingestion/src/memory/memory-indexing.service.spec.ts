import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '@recollect/embedder';
import { LanceDbSearchIndex } from '@recollect/search-index';
import { messagesUpserted, storedMessage } from '@recollect/testing';
import { memoryDocumentId } from './memory-chunks';
import { MemoryIndexingService } from './memory-indexing.service';

const tenant = { userId: 'alice', organizationId: null };
const other = { userId: 'bob', organizationId: null };
const long = (topic: string) => Array.from({ length: 20 }, (_, i) => `Part ${i} of the long note is about ${topic}.`).join(' ');

describe(MemoryIndexingService.name, () => {
  let directory: string;
  let index: LanceDbSearchIndex;
  let sut: MemoryIndexingService;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'recollect-memory-index-'));
    const embedder = new HashingEmbedder();
    index = new LanceDbSearchIndex({ directory });
    await index.open({ modelId: embedder.modelId, dimension: embedder.dimension });
    sut = new MemoryIndexingService(index, embedder, { maxWords: 30, overlapWords: 5 });
  });
  afterAll(async () => {
    await index?.close();
    await rm(directory, { recursive: true, force: true });
  });

  const chunksOf = (sessionId: string, messageId: string) =>
    index.listChunks({ tenant, documentIds: [memoryDocumentId(tenant, sessionId, messageId)] }, { limit: 100, offset: 0 });

  it('writes a message once however often the change is applied', async () => {
    const change = messagesUpserted([storedMessage({ id: 'm1' })], { sessionId: 'once' });
    await sut.indexMessages(tenant, change);
    await sut.indexMessages(tenant, change);
    expect(await chunksOf('once', 'm1')).toHaveLength(1);
  });

  it('rewrites the lexical documents of the messages whose context changed, and none of their chunks', async () => {
    await sut.indexMessages(tenant, messagesUpserted([storedMessage({ id: 'm1', text: 'Where did you go in May?' })], { sessionId: 'context' }));
    const before = await chunksOf('context', 'm1');
    const reply = storedMessage({ id: 'm2', position: 1, text: 'Lisbon, with my sister.', previous: { authorName: null, text: 'Where did you go in May?' } });
    const asked = storedMessage({ id: 'm1', text: 'Where did you go in May?', replaced: true, next: { authorName: null, text: 'Lisbon, with my sister.' } });
    const counts = await sut.indexMessages(tenant, { ...messagesUpserted([reply], { sessionId: 'context' }), contextChanged: [asked] });

    expect(counts).toEqual({ chunksWritten: 1, chunksDeleted: 0 });
    const found = await index.lexicalSearchDocuments('Lisbon', { tenant, source: 'memory:context' }, 10);
    expect(found.map((hit) => hit.documentId).sort()).toEqual([memoryDocumentId(tenant, 'context', 'm1'), memoryDocumentId(tenant, 'context', 'm2')].sort());
    expect(await chunksOf('context', 'm1')).toEqual(before);
  });

  it('removes the stale tail chunks of a message whose new text is shorter', async () => {
    await sut.indexMessages(tenant, messagesUpserted([storedMessage({ id: 'm1', text: long('gardening') })], { sessionId: 'shrink' }));
    expect((await chunksOf('shrink', 'm1')).length).toBeGreaterThan(2);

    const counts = await sut.indexMessages(
      tenant,
      messagesUpserted([storedMessage({ id: 'm1', text: 'Now it is short.', replaced: true })], { sessionId: 'shrink' }),
    );
    expect(counts.chunksWritten).toBe(1);
    expect(counts.chunksDeleted).toBeGreaterThan(2);
    expect((await chunksOf('shrink', 'm1')).map((c) => c.text)).toEqual(['Now it is short.']);
  });

  it('overwrites a replaced message that grows, without deleting first', async () => {
    await sut.indexMessages(tenant, messagesUpserted([storedMessage({ id: 'm1', text: 'Short at first.' })], { sessionId: 'grow' }));
    const counts = await sut.indexMessages(
      tenant,
      messagesUpserted([storedMessage({ id: 'm1', text: long('cycling'), replaced: true })], { sessionId: 'grow' }),
    );
    expect(counts.chunksDeleted).toBe(0);
    expect((await chunksOf('grow', 'm1'))[0]!.text).toContain('cycling');
  });

  it('un-indexes every message of a deleted session, and nothing of another session or tenant', async () => {
    await sut.indexMessages(tenant, messagesUpserted([storedMessage({ id: 'a' }), storedMessage({ id: 'b', position: 1 })], { sessionId: 'doomed' }));
    await sut.indexMessages(tenant, messagesUpserted([storedMessage({ id: 'a' })], { sessionId: 'kept' }));
    await sut.indexMessages(other, messagesUpserted([storedMessage({ id: 'a' })], { sessionId: 'doomed' }));

    const counts = await sut.unindexSession(tenant, { operationId: 'op', sessionId: 'doomed', messageIds: ['a', 'b'] });
    expect(counts.chunksDeleted).toBe(2);
    expect(await index.listChunks({ tenant, source: 'memory:doomed' }, { limit: 10, offset: 0 })).toEqual([]);
    expect(await index.listChunks({ tenant, source: 'memory:kept' }, { limit: 10, offset: 0 })).toHaveLength(1);
    expect(await index.listChunks({ tenant: other, source: 'memory:doomed' }, { limit: 10, offset: 0 })).toHaveLength(1);
  });
});
