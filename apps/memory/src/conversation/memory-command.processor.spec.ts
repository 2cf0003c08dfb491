import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCommandTypes, makeEnvelope, type MemoryCommand, type MessagesUpserted, type SessionDeleted, type Tenant } from '@recollect/contracts';
import type { DataSource } from 'typeorm';
import { memoryDatabase } from '../../test/memory-database';
import type { MemoryEventsPublisher } from '../events/memory-events.publisher';
import { OperationsRepository } from '../operations/operations.repository';
import { ConversationRepository } from './conversation.repository';
import { ConversationWriter } from './conversation-writer.service';
import { MemoryCommandProcessor } from './memory-command.processor';

const tenant: Tenant = { userId: 'alice', organizationId: null };

class RecordingPublisher {
  readonly upserted: MessagesUpserted[] = [];
  readonly deleted: SessionDeleted[] = [];
  failNext = false;

  async messagesUpserted(_cause: unknown, change: MessagesUpserted): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('bus down');
    }
    this.upserted.push(change);
  }

  async sessionDeleted(_cause: unknown, change: SessionDeleted): Promise<void> {
    this.deleted.push(change);
  }
}

const add = (operationId: string, sessionId: string, text = 'hello'): MemoryCommand =>
  ({
    ...makeEnvelope(MemoryCommandTypes.add, tenant, 'corr', {
      operationId,
      sessionId,
      agentId: null,
      messages: [{ id: 'm1', role: 'user', authorName: null, occurredAt: null, metadata: {}, blocks: [{ type: 'text', text }] }],
    }),
    type: MemoryCommandTypes.add,
  }) as MemoryCommand;

describe(MemoryCommandProcessor.name, () => {
  let db: DataSource;
  let dispose: () => Promise<void>;
  let operations: OperationsRepository;
  let events: RecordingPublisher;
  let sut: MemoryCommandProcessor;
  const once = { attempt: 1, maxAttempts: 3 };

  beforeAll(async () => {
    ({ db, dispose } = await memoryDatabase());
    const conversations = new ConversationRepository(db);
    operations = new OperationsRepository(db);
    events = new RecordingPublisher();
    sut = new MemoryCommandProcessor(conversations, new ConversationWriter(conversations), operations, events as unknown as MemoryEventsPublisher);
  });
  afterAll(() => dispose?.());

  it('stores the messages, marks the operation stored and publishes the change', async () => {
    await sut.process(add('op-1', 's1'), once);
    expect(events.upserted.at(-1)).toMatchObject({ operationId: 'op-1', sessionId: 's1', messages: [{ id: 'm1', text: 'hello' }] });
    expect(await operations.findForTenant('op-1', tenant)).toMatchObject({
      status: 'stored',
      kind: 'add',
      messageIds: ['m1'],
      updatedEntries: 1,
      attemptsMade: 1,
    });
  });

  it('skips a redelivered command once its operation completed', async () => {
    await sut.process(add('op-2', 's2'), once);
    await operations.complete('op-2', tenant);
    const published = events.upserted.length;
    await sut.process(add('op-2', 's2'), once);
    expect(events.upserted).toHaveLength(published);
  });

  it('fails the operation with NOT_FOUND when updating an unknown session, without a retry', async () => {
    const update = { ...add('op-3', 'nowhere'), type: MemoryCommandTypes.update } as MemoryCommand;
    await expect(sut.process(update, once)).resolves.toBeUndefined();
    expect(await operations.findForTenant('op-3', tenant)).toMatchObject({ status: 'failed', errorCode: 'NOT_FOUND' });
  });

  it('rethrows a transient failure for the bus to retry, and fails the operation on the last attempt', async () => {
    events.failNext = true;
    await expect(sut.process(add('op-4', 's4'), once)).rejects.toThrow('bus down');
    expect(await operations.findForTenant('op-4', tenant)).toMatchObject({ status: 'stored', errorMessage: 'bus down' });
    await sut.process(add('op-4', 's4'), { attempt: 2, maxAttempts: 3 });
    expect(events.upserted.at(-1)).toMatchObject({ operationId: 'op-4' });

    events.failNext = true;
    await expect(sut.process(add('op-5', 's5'), { attempt: 3, maxAttempts: 3 })).rejects.toThrow('bus down');
    expect(await operations.findForTenant('op-5', tenant)).toMatchObject({ status: 'failed', errorCode: 'INTERNAL' });
  });

  it('publishes a delete with the ids of the messages that went', async () => {
    await sut.process(add('op-6', 's6'), once);
    const del = {
      ...makeEnvelope(MemoryCommandTypes.delete, tenant, 'corr', { operationId: 'op-7', sessionId: 's6' }),
      type: MemoryCommandTypes.delete,
    } as MemoryCommand;
    await sut.process(del, once);
    expect(events.deleted.at(-1)).toEqual({ operationId: 'op-7', sessionId: 's6', messageIds: ['m1'] });
    expect(await operations.findForTenant('op-7', tenant)).toMatchObject({ status: 'stored', kind: 'delete' });
  });
});
