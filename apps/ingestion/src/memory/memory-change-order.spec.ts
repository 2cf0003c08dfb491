import type { Tenant } from '@recollect/contracts';
import { messagesUpserted, storedMessage, createTestDatabase } from '@recollect/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryVersions1767000000000 } from '../migrations/1767000000000-memory-versions';
import { MemoryChangeOrder } from './memory-change-order';
import { MemoryVersionsRepository } from './memory-versions.repository';

const alice: Tenant = { userId: 'alice', organizationId: 'acme' };
const bob: Tenant = { userId: 'bob', organizationId: 'acme' };
const message = (id: string, text = id) => storedMessage({ id, text });
const ids = (change: { messages: Array<{ id: string }>; contextChanged?: Array<{ id: string }> }) => [change.messages.map((m) => m.id), (change.contextChanged ?? []).map((m) => m.id)];

// A real PostgreSQL: the versions are rows, and GREATEST in SQL keeps them from going back.
describe(MemoryChangeOrder.name, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: DataSource;
  let sut: MemoryChangeOrder;
  let session = 0;
  const nextSession = () => `session-${(session += 1)}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new DataSource({ type: 'postgres', url: database.url, migrations: [MemoryVersions1767000000000] });
    await db.initialize();
    await db.runMigrations();
    sut = new MemoryChangeOrder(new MemoryVersionsRepository(db));
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /** Applies an upsert as the processor does: its current part, then the record of it. */
  const applyUpsert = async (tenant: Tenant, change: ReturnType<typeof messagesUpserted>, sequence: bigint) => {
    const current = await sut.currentPart(tenant, change, sequence);
    await sut.recordApplied(tenant, current, sequence);
    return current;
  };

  it('applies a late upsert only to the messages no later change wrote, the neighbours it carries included', async () => {
    const sessionId = nextSession();
    const late = messagesUpserted([message('m1', 'old text'), message('m2')], { sessionId, contextChanged: [message('m0')] });
    await applyUpsert(alice, messagesUpserted([message('m1', 'new text'), message('m0')], { sessionId }), 7n);

    expect(ids(await applyUpsert(alice, late, 5n))).toEqual([['m2'], []]);
    // Delivered again, the later change applies whole: its own copy is no later than itself.
    expect(ids(await applyUpsert(alice, messagesUpserted([message('m1', 'new text'), message('m0')], { sessionId }), 7n))).toEqual([['m1', 'm0'], []]);
  });

  it('applies nothing of an upsert older than a deletion of its session, and all of one after it', async () => {
    const sessionId = nextSession();
    await applyUpsert(alice, messagesUpserted([message('m1')], { sessionId }), 3n);
    expect(await sut.deletionScope(alice, { operationId: 'op-d', sessionId, messageIds: ['m1'] }, 4n)).toEqual({ wholeSession: true });
    await sut.recordDeleted(alice, { operationId: 'op-d', sessionId, messageIds: ['m1'] }, 4n);

    expect(ids(await applyUpsert(alice, messagesUpserted([message('m1')], { sessionId }), 3n))).toEqual([[], []]);
    expect(ids(await applyUpsert(alice, messagesUpserted([message('m1')], { sessionId }), 9n))).toEqual([['m1'], []]);
  });

  it('deletes, for a late deletion of a session written again since, only the messages no later change wrote', async () => {
    const sessionId = nextSession();
    await applyUpsert(alice, messagesUpserted([message('m1'), message('m2')], { sessionId }), 2n);
    await applyUpsert(alice, messagesUpserted([message('m2')], { sessionId }), 6n);
    const lateDeletion = { operationId: 'op-d', sessionId, messageIds: ['m1', 'm2'] };

    expect(await sut.deletionScope(alice, lateDeletion, 4n)).toEqual({ wholeSession: false, messageIds: ['m1'] });
    await sut.recordDeleted(alice, lateDeletion, 4n);
    // m1 is gone as of 4, so a copy of the change of 2 brings nothing back; m2 of 6 stays current.
    expect(ids(await applyUpsert(alice, messagesUpserted([message('m1'), message('m2')], { sessionId }), 2n))).toEqual([[], []]);
    expect(ids(await applyUpsert(alice, messagesUpserted([message('m2')], { sessionId }), 6n))).toEqual([['m2'], []]);
  });

  it('keeps tenants apart: a session of the same name elsewhere is not overtaken', async () => {
    const sessionId = nextSession();
    await applyUpsert(alice, messagesUpserted([message('m1')], { sessionId }), 10n);
    await sut.recordDeleted(alice, { operationId: 'op-d', sessionId, messageIds: ['m1'] }, 11n);
    expect(ids(await applyUpsert(bob, messagesUpserted([message('m1')], { sessionId }), 1n))).toEqual([['m1'], []]);
  });

  it('applies whole a change without a sequence (published before sequences), and records nothing for it', async () => {
    const sessionId = nextSession();
    await applyUpsert(alice, messagesUpserted([message('m1')], { sessionId }), 5n);
    const unnumbered = messagesUpserted([message('m1'), message('m2')], { sessionId });
    expect(await sut.currentPart(alice, unnumbered, undefined)).toBe(unnumbered);
    await sut.recordApplied(alice, unnumbered, undefined);
    expect(await sut.deletionScope(alice, { operationId: 'op-d', sessionId, messageIds: ['m1'] }, undefined)).toEqual({ wholeSession: true });
    expect(ids(await applyUpsert(alice, messagesUpserted([message('m2')], { sessionId }), 1n))).toEqual([['m2'], []]);
  });
});
