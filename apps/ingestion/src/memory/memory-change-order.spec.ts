import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryChangeTypes, makeEnvelope, memorySource, type MemoryChange, type MessagesUpserted, type SessionDeleted, type Tenant } from '@recollect/contracts';
import { HashingEmbedder } from '@recollect/embedder';
import { LanceDbSearchIndex } from '@recollect/search-index';
import { createTestDatabase, messagesUpserted, storedMessage } from '@recollect/testing';
import { waitFor } from '@recollect/bus';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestionEventsPublisher } from '../events/ingestion-events.publisher';
import { MemoryVersions1767000000000 } from '../migrations/1767000000000-memory-versions';
import { MemoryChangeOrder } from './memory-change-order';
import { MemoryChangeProcessor } from './memory-change.processor';
import { memoryDocumentId } from './memory-chunks';
import { MemoryIndexingService } from './memory-indexing.service';
import { MemoryVersionsRepository } from './memory-versions.repository';

const alice: Tenant = { userId: 'alice', organizationId: 'acme' };
const bob: Tenant = { userId: 'bob', organizationId: 'acme' };
const long = (topic: string) => Array.from({ length: 12 }, (_, i) => `Part ${i} of the note is about ${topic}.`).join(' ');

/** The encoder, held at its next call until released: a change is then caught between its check and its writes. */
class GatedEmbedder extends HashingEmbedder {
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  entered = false;

  holdNext(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
  }

  override async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const gate = this.gate;
    this.gate = undefined;
    if (gate) {
      this.entered = true;
      await gate;
    }
    return super.embed(texts);
  }
}

// A real PostgreSQL for the versions and the session lock, a real LanceDB index for what ends up searchable.
describe('memory changes that arrive late', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: DataSource;
  let directory: string;
  let index: LanceDbSearchIndex;
  let embedder: GatedEmbedder;
  let sut: MemoryChangeProcessor;
  let sessions = 0;
  const nextSession = () => `session-${(sessions += 1)}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new DataSource({ type: 'postgres', url: database.url, migrations: [MemoryVersions1767000000000] });
    await db.initialize();
    await db.runMigrations();
    directory = await mkdtemp(join(tmpdir(), 'recollect-memory-order-'));
    embedder = new GatedEmbedder();
    index = new LanceDbSearchIndex({ directory });
    await index.open({ modelId: embedder.modelId, dimension: embedder.dimension });
    const events = { memoryIndexed: async () => undefined } as unknown as IngestionEventsPublisher;
    const order = new MemoryChangeOrder(new MemoryVersionsRepository(db));
    sut = new MemoryChangeProcessor(new MemoryIndexingService(index, embedder, { maxWords: 30, overlapWords: 5 }), order, events);
  });
  afterAll(async () => {
    await index?.close();
    await db?.destroy();
    await database?.drop();
    await rm(directory, { recursive: true, force: true });
  });

  const upsert = (tenant: Tenant, payload: MessagesUpserted, sequence?: bigint) =>
    sut.process({ ...makeEnvelope(MemoryChangeTypes.messagesUpserted, tenant, 'corr', payload), type: MemoryChangeTypes.messagesUpserted } as MemoryChange, { attempt: 1, maxAttempts: 3 }, sequence);
  const deletion = (tenant: Tenant, payload: SessionDeleted, sequence?: bigint) =>
    sut.process({ ...makeEnvelope(MemoryChangeTypes.sessionDeleted, tenant, 'corr', payload), type: MemoryChangeTypes.sessionDeleted } as MemoryChange, { attempt: 1, maxAttempts: 3 }, sequence);
  const message = (id: string, text: string, extra: Partial<Parameters<typeof storedMessage>[0]> = {}) => storedMessage({ id, text, ...extra });
  /** Per message of the session, the text of its chunks as the index holds them. */
  const indexed = async (tenant: Tenant, sessionId: string): Promise<Record<string, string[]>> => {
    const chunks = await index.listChunks({ tenant, source: memorySource(sessionId) }, { limit: 1000, offset: 0 });
    const messageOf = new Map(['m1', 'm2'].map((id) => [memoryDocumentId(tenant, sessionId, id), id]));
    const byMessage: Record<string, string[]> = {};
    for (const chunk of chunks.sort((a, b) => a.chunkIndex - b.chunkIndex)) (byMessage[messageOf.get(chunk.documentId) ?? chunk.documentId] ??= []).push(chunk.text);
    return byMessage;
  };
  const documentText = async (tenant: Tenant, sessionId: string, messageId: string, query: string) =>
    (await index.lexicalSearchDocuments(query, { tenant, documentIds: [memoryDocumentId(tenant, sessionId, messageId)] }, 1))[0];

  it('applies a late upsert only to the messages no later change wrote', async () => {
    const sessionId = nextSession();
    await upsert(alice, messagesUpserted([message('m1', 'The plan is A.')], { sessionId }), 1n);
    await upsert(alice, messagesUpserted([message('m1', 'The plan is C.', { replaced: true })], { sessionId }), 3n);
    await upsert(alice, messagesUpserted([message('m1', 'The plan is B.', { replaced: true }), message('m2', 'Lunch at noon.', { position: 1 })], { sessionId }), 2n);
    expect(await indexed(alice, sessionId)).toEqual({ m1: ['The plan is C.'], m2: ['Lunch at noon.'] });
  });

  it("still applies a late change to a message whose neighbours alone a later change rewrote, and keeps that later document", async () => {
    const sessionId = nextSession();
    await upsert(alice, messagesUpserted([message('m1', 'The plan is A.')], { sessionId }), 1n);
    // 3 adds m2 after m1 and sends m1 again as context; 2, the update of m1 to B, arrives after it.
    const m1WithNext = message('m1', 'The plan is A.', { next: { authorName: null, text: 'Sounds good.' } });
    await upsert(alice, messagesUpserted([message('m2', 'Sounds good.', { position: 1 })], { sessionId, contextChanged: [m1WithNext] }), 3n);
    await upsert(alice, messagesUpserted([message('m1', 'The plan is B.', { replaced: true })], { sessionId }), 2n);
    expect((await indexed(alice, sessionId)).m1).toEqual(['The plan is B.']);
    expect(await documentText(alice, sessionId, 'm1', 'good')).toBeDefined();
  });

  it('shrinks a message a late change wrote shorter without losing the newer document a later change gave it', async () => {
    const sessionId = nextSession();
    await upsert(alice, messagesUpserted([message('m1', long('the old plan'))], { sessionId }), 1n);
    // 2 shortened m1 but arrives after 3, which added m2 and sent m1 (already short) again as context.
    const m1Short = message('m1', 'A short plan.', { next: { authorName: null, text: 'Sounds lovely.' } });
    await upsert(alice, messagesUpserted([message('m2', 'Sounds lovely.', { position: 1 })], { sessionId, contextChanged: [m1Short] }), 3n);
    await upsert(alice, messagesUpserted([message('m1', 'A short plan.', { replaced: true })], { sessionId }), 2n);
    expect((await indexed(alice, sessionId)).m1).toEqual(['A short plan.']);
    expect(await documentText(alice, sessionId, 'm1', 'lovely')).toBeDefined();
  });

  it("leaves a message's newer document alone when a late change carries it as context", async () => {
    const sessionId = nextSession();
    await upsert(alice, messagesUpserted([message('m1', 'Where to next?'), message('m2', 'Rome, surely.', { position: 1 })], { sessionId }), 1n);
    const withNext = (text: string) => message('m1', 'Where to next?', { next: { authorName: null, text } });
    await upsert(alice, messagesUpserted([message('m2', 'Kyoto, finally.', { position: 1, replaced: true })], { sessionId, contextChanged: [withNext('Kyoto, finally.')] }), 3n);
    await upsert(alice, messagesUpserted([message('m2', 'Oslo, maybe.', { position: 1, replaced: true })], { sessionId, contextChanged: [withNext('Oslo, maybe.')] }), 2n);
    expect((await indexed(alice, sessionId)).m2).toEqual(['Kyoto, finally.']);
    expect(await documentText(alice, sessionId, 'm1', 'Kyoto')).toBeDefined();
    expect(await documentText(alice, sessionId, 'm1', 'Oslo')).toBeUndefined();
  });

  it('applies nothing of an upsert older than a deletion of its session, and all of one after it', async () => {
    const sessionId = nextSession();
    await upsert(alice, messagesUpserted([message('m1', 'The plan is A.')], { sessionId }), 1n);
    await deletion(alice, { operationId: 'op-d', sessionId, messageIds: ['m1'] }, 2n);
    await upsert(alice, messagesUpserted([message('m1', 'The plan is A.')], { sessionId }), 1n);
    expect(await indexed(alice, sessionId)).toEqual({});
    await upsert(alice, messagesUpserted([message('m1', 'A new plan.')], { sessionId }), 4n);
    expect(await indexed(alice, sessionId)).toEqual({ m1: ['A new plan.'] });
  });

  it('deletes, for a late deletion of a session written again since, only what no later change wrote, and leaves no stale tail', async () => {
    const sessionId = nextSession();
    await upsert(alice, messagesUpserted([message('m1', long('the old plan')), message('m2', 'Noted.', { position: 1 })], { sessionId }), 1n);
    expect((await indexed(alice, sessionId)).m1!.length).toBeGreaterThan(1);
    // The deletion (2) is lost for now; the session is made again (3) with a short m1 under the same id.
    await upsert(alice, messagesUpserted([message('m1', 'A short new plan.')], { sessionId }), 3n);
    expect(await indexed(alice, sessionId)).toEqual({ m1: ['A short new plan.'], m2: ['Noted.'] });
    await deletion(alice, { operationId: 'op-d', sessionId, messageIds: ['m1', 'm2'] }, 2n);
    expect(await indexed(alice, sessionId)).toEqual({ m1: ['A short new plan.'] });
    // And a copy of the first change brings neither back.
    await upsert(alice, messagesUpserted([message('m1', long('the old plan')), message('m2', 'Noted.', { position: 1 })], { sessionId }), 1n);
    expect(await indexed(alice, sessionId)).toEqual({ m1: ['A short new plan.'] });
  });

  it('keeps tenants apart: a session of the same name elsewhere is not overtaken', async () => {
    const sessionId = nextSession();
    await upsert(alice, messagesUpserted([message('m1', 'Alice plans.')], { sessionId }), 10n);
    await deletion(alice, { operationId: 'op-d', sessionId, messageIds: ['m1'] }, 11n);
    await upsert(bob, messagesUpserted([message('m1', 'Bob plans.')], { sessionId }), 1n);
    expect(await indexed(bob, sessionId)).toEqual({ m1: ['Bob plans.'] });
  });

  it('applies whole a change without a sequence, as published before sequences', async () => {
    const sessionId = nextSession();
    await upsert(alice, messagesUpserted([message('m1', 'The plan is C.')], { sessionId }), 5n);
    await upsert(alice, messagesUpserted([message('m1', 'Unnumbered.', { replaced: true })], { sessionId }));
    expect(await indexed(alice, sessionId)).toEqual({ m1: ['Unnumbered.'] });
  });

  it("lets no consumer write between another one's check and its writes (two owners of a partition in a rebalance)", async () => {
    const sessionId = nextSession();
    embedder.holdNext();
    // The old owner applies the add (1) and is caught encoding; the new owner applies the deletion (2) meanwhile.
    const add = upsert(alice, messagesUpserted([message('m1', 'The plan is A.')], { sessionId }), 1n);
    await waitFor(() => embedder.entered);
    const remove = deletion(alice, { operationId: 'op-d', sessionId, messageIds: ['m1'] }, 2n);
    let removed = false;
    void remove.then(() => (removed = true));
    const waitingForLock = async () =>
      Number((await db.query(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`))[0].n) > 0;
    // Either the deletion waits for the add's lock, or (with no lock) it is done before the add writes.
    await waitFor(async () => removed || (await waitingForLock()));
    embedder.release();
    await Promise.all([add, remove]);
    expect(await indexed(alice, sessionId)).toEqual({});
  });

  it('applies changes of more sessions at once than the pool has connections, one connection each', async () => {
    const small = new DataSource({ type: 'postgres', url: database.url, extra: { max: 2 } });
    await small.initialize();
    try {
      const events = { memoryIndexed: async () => undefined } as unknown as IngestionEventsPublisher;
      const processor = new MemoryChangeProcessor(new MemoryIndexingService(index, embedder, { maxWords: 30, overlapWords: 5 }), new MemoryChangeOrder(new MemoryVersionsRepository(small)), events);
      const ids = [nextSession(), nextSession(), nextSession(), nextSession()];
      const applied = Promise.all(
        ids.map((sessionId) =>
          processor.process(
            { ...makeEnvelope(MemoryChangeTypes.messagesUpserted, alice, 'corr', messagesUpserted([message('m1', 'Pooled.')], { sessionId })), type: MemoryChangeTypes.messagesUpserted } as MemoryChange,
            { attempt: 1, maxAttempts: 3 },
            1n,
          ),
        ),
      );
      await waitFor(async () => (await Promise.race([applied.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 50))])) as boolean, 10_000, 'every change to be applied');
      for (const sessionId of ids) expect(await indexed(alice, sessionId)).toEqual({ m1: ['Pooled.'] });
    } finally {
      await small.destroy();
    }
  });
});
