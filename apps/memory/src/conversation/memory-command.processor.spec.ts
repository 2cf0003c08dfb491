import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '@recollect/bus';
import { MemoryCommandTypes, MemoryChangeTypes, makeEnvelope, type MemoryCommand, type Tenant } from '@recollect/contracts';
import type { DataSource } from 'typeorm';
import { memoryDatabase } from '../../test/memory-database';
import { RecordingBus } from '../../test/recording-bus';
import { ChangeOutbox } from '../events/change-outbox';
import { ChangeOutboxRepository } from '../events/change-outbox.repository';
import { OperationsRepository } from '../operations/operations.repository';
import { ConversationRepository } from './conversation.repository';
import { ConversationWriter } from './conversation-writer.service';
import { MemoryCommandProcessor } from './memory-command.processor';

const tenant: Tenant = { userId: 'alice', organizationId: null };

const command = (type: MemoryCommand['type'], payload: Record<string, unknown>): MemoryCommand =>
  ({ ...makeEnvelope(type, tenant, 'corr', payload), type }) as MemoryCommand;

const add = (operationId: string, sessionId: string, text = 'hello'): MemoryCommand =>
  command(MemoryCommandTypes.add, {
    operationId,
    sessionId,
    agentId: null,
    messages: [{ id: 'm1', role: 'user', authorName: null, occurredAt: null, metadata: {}, blocks: [{ type: 'text', text }] }],
  });

const remove = (operationId: string, sessionId: string): MemoryCommand => command(MemoryCommandTypes.delete, { operationId, sessionId });

describe(MemoryCommandProcessor.name, () => {
  let db: DataSource;
  let dispose: () => Promise<void>;
  let operations: OperationsRepository;
  let conversations: ConversationRepository;
  let bus: RecordingBus;
  let sut: MemoryCommandProcessor;
  const once = { attempt: 1, maxAttempts: 3 };
  const waiting = async (): Promise<string[]> => (await db.query<Array<{ operation_id: string }>>('SELECT operation_id FROM change_outbox ORDER BY id')).map((row) => row.operation_id);
  const textOf = async (sessionId: string): Promise<string | undefined> => {
    const session = await conversations.transaction((tx) => conversations.lockSession(tx, tenant, sessionId));
    return session ? (await conversations.transaction((tx) => conversations.findMessages(tx, session.id, ['m1'])))[0]?.text : undefined;
  };

  beforeAll(async () => {
    ({ db, dispose } = await memoryDatabase());
    conversations = new ConversationRepository(db);
    operations = new OperationsRepository(db);
    bus = new RecordingBus();
    sut = processorWith(operations);
  });
  afterAll(() => dispose?.());
  beforeEach(async () => {
    bus.failing = 0;
    await db.query('DELETE FROM change_outbox');
  });

  const outbox = (maxChangeBytes = 64 * 1024 * 1024) => new ChangeOutbox(new ChangeOutboxRepository(db), bus.asClient(), { maxChangeBytes });
  const processorWith = (operationsSeen: OperationsRepository, maxChangeBytes?: number) =>
    new MemoryCommandProcessor(conversations, new ConversationWriter(conversations), operationsSeen, outbox(maxChangeBytes));

  it('stores the messages, marks the operation stored and publishes the change, keyed by session', async () => {
    await sut.process(add('op-1', 's1'), once);
    expect(bus.published.at(-1)).toMatchObject({
      key: '-/alice/s1',
      change: { type: MemoryChangeTypes.messagesUpserted, tenant, correlationId: 'corr', payload: { operationId: 'op-1', sessionId: 's1', messages: [{ id: 'm1', text: 'hello' }] } },
    });
    expect(await operations.findForTenant('op-1', tenant)).toMatchObject({ status: 'stored', kind: 'add', messageIds: ['m1'], updatedEntries: 1, attemptsMade: 1 });
    expect(await waiting()).toEqual([]);
  });

  it('skips a redelivered command once its operation completed', async () => {
    await sut.process(add('op-2', 's2'), once);
    await operations.complete('op-2', tenant);
    const published = bus.published.length;
    await sut.process(add('op-2', 's2'), once);
    expect(bus.published).toHaveLength(published);
  });

  it('fails the operation with NOT_FOUND when updating an unknown session, without a retry or a change', async () => {
    const update = { ...add('op-3', 'nowhere'), type: MemoryCommandTypes.update } as MemoryCommand;
    const published = bus.published.length;
    await expect(sut.process(update, once)).resolves.toBeUndefined();
    expect(await operations.findForTenant('op-3', tenant)).toMatchObject({ status: 'failed', errorCode: 'NOT_FOUND' });
    expect(bus.published).toHaveLength(published);
    expect(await waiting()).toEqual([]);
  });

  it('keeps a stored operation stored when its change cannot be published, even on the last attempt, and publishes it on the next delivery', async () => {
    bus.failing = 1;
    await expect(sut.process(add('op-4', 's4'), { attempt: 3, maxAttempts: 3 })).rejects.toThrow('bus down');
    expect(await operations.findForTenant('op-4', tenant)).toMatchObject({ status: 'stored', errorMessage: 'bus down' });
    expect(await waiting()).toEqual(['op-4']);

    await sut.process(add('op-4', 's4'), once);
    expect(bus.operations().at(-1)).toBe('op-4');
    expect(await waiting()).toEqual([]);
  });

  it('does not write a stored operation again when redelivered, so a later operation on the session stands', async () => {
    bus.failing = 1;
    await expect(sut.process(add('op-5', 's5', 'first'), once)).rejects.toThrow('bus down');
    const before = bus.published.length;
    // A later operation on the session publishes the earlier one's waiting change first.
    await sut.process(add('op-6', 's5', 'second'), once);
    await sut.process(add('op-5', 's5', 'first'), { attempt: 2, maxAttempts: 3 });
    expect(bus.operations().slice(before)).toEqual(['op-5', 'op-6']);
    expect(await textOf('s5')).toBe('second');
  });

  it('does not bring back a deleted session when a stored add is redelivered', async () => {
    bus.failing = 1;
    await expect(sut.process(add('op-7', 's7'), once)).rejects.toThrow('bus down');
    const before = bus.published.length;
    await sut.process(remove('op-8', 's7'), once);
    await sut.process(add('op-7', 's7'), { attempt: 2, maxAttempts: 3 });
    expect(bus.published.slice(before).map(({ change }) => [change.payload.operationId, change.type])).toEqual([
      ['op-7', MemoryChangeTypes.messagesUpserted],
      ['op-8', MemoryChangeTypes.sessionDeleted],
    ]);
    expect(await textOf('s7')).toBeUndefined();
    expect(await operations.findForTenant('op-8', tenant)).toMatchObject({ status: 'stored', kind: 'delete', messageIds: ['m1'] });
  });

  it('applies a command again when its earlier delivery stored nothing', async () => {
    // The transaction fails after the messages were written: none of it stays.
    const broken = Object.assign(Object.create(operations) as OperationsRepository, { markStored: () => Promise.reject(new Error('connection lost')) });
    await expect(processorWith(broken).process(add('op-9', 's9', 'kept'), once)).rejects.toThrow('connection lost');
    expect(await textOf('s9')).toBeUndefined();
    expect(await operations.findForTenant('op-9', tenant)).toMatchObject({ status: 'accepted', errorMessage: 'connection lost' });

    await sut.process(add('op-9', 's9', 'kept'), { attempt: 2, maxAttempts: 3 });
    expect(await textOf('s9')).toBe('kept');
    expect(bus.operations().at(-1)).toBe('op-9');
  });

  it('writes nothing for a delivery that found the operation accepted when another delivery stored it since', async () => {
    await sut.process(add('op-10', 's10', 'first'), once);
    await sut.process(add('op-11', 's10', 'second'), once);
    const before = bus.published.length;
    // A replica that read op-10 as accepted, then stalled while another took its partition over.
    const stale = Object.assign(Object.create(operations) as OperationsRepository, { begin: () => Promise.resolve('accepted' as const) });
    await processorWith(stale).process(add('op-10', 's10', 'first'), once);
    expect(await textOf('s10')).toBe('second');
    expect(bus.published.length).toBe(before);
    expect(await waiting()).toEqual([]);
  });

  it('holds an add back while a delete of the session, not created yet, is being stored, so both commit and publish in order', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockHeld = new Promise<void>((resolve) => (locked = resolve));
    const deleting = conversations.transaction(async (tx) => {
      await conversations.lockSessionWrites(tx, tenant, 's12');
      await outbox().sessionDeleted(tx, remove('op-12', 's12'), { operationId: 'op-12', sessionId: 's12', messageIds: [] });
      locked();
      await released;
    });
    await lockHeld;
    const adding = sut.process(add('op-13', 's12'), once);
    // The add waits on the session's write lock, in this database (tests of other files share the server).
    await waitFor(
      async () =>
        Number(
          (
            await db.query<Array<{ count: string }>>(
              `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
              [0x6d656d31],
            )
          )[0]!.count,
        ) > 0,
      5_000,
      'the add to wait for the session',
    );
    release();
    await deleting;
    await adding;
    expect(bus.published.slice(-2).map(({ change }) => change.payload.operationId)).toEqual(['op-12', 'op-13']);
    expect(await textOf('s12')).toBe('hello');
  });

  it('leaves an operation stored by another delivery as stored when this one fails on its last attempt', async () => {
    await sut.process(add('op-15', 's15'), once);
    const staleAndFailing = Object.assign(Object.create(operations) as OperationsRepository, {
      begin: () => Promise.resolve('accepted' as const),
      claimForStore: () => Promise.reject(new Error('connection lost')),
    });
    await expect(processorWith(staleAndFailing).process(add('op-15', 's15'), { attempt: 3, maxAttempts: 3 })).rejects.toThrow('connection lost');
    expect(await operations.findForTenant('op-15', tenant)).toMatchObject({ status: 'stored' });
  });

  it('fails an operation whose change would not fit in a bus message, storing nothing', async () => {
    await processorWith(operations, 1_000).process(add('op-14', 's14', 'x'.repeat(2_000)), once);
    expect(await operations.findForTenant('op-14', tenant)).toMatchObject({ status: 'failed', errorCode: 'PAYLOAD_TOO_LARGE' });
    expect((await operations.findForTenant('op-14', tenant))!.errorMessage).toMatch(/over the 1000 bytes a bus message may hold; send fewer or smaller messages per call/);
    expect(await textOf('s14')).toBeUndefined();
    expect(await waiting()).toEqual([]);
  });
});
