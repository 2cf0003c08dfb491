import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode, MemoryChangeTypes, UnreadableMessageError, makeEnvelope, type MemoryChange, type MemoryIndexed } from '@recollect/contracts';
import { messagesUpserted, storedMessage } from '@recollect/testing';
import type { IngestionEventsPublisher } from '../events/ingestion-events.publisher';
import { MemoryChangeOrder } from './memory-change-order';
import { MemoryChangeProcessor } from './memory-change.processor';
import type { MemoryIndexingService } from './memory-indexing.service';
import type { MemoryVersionsRepository } from './memory-versions.repository';

const change = {
  ...makeEnvelope(
    MemoryChangeTypes.messagesUpserted,
    { userId: 'u', organizationId: null },
    'corr',
    messagesUpserted([storedMessage({ id: 'm1' })], { operationId: 'op-1', sessionId: 's' }),
  ),
  type: MemoryChangeTypes.messagesUpserted,
} as MemoryChange;

function harness(indexMessages: () => Promise<{ chunksWritten: number; chunksDeleted: number }>) {
  const announced: MemoryIndexed[] = [];
  const indexing = { indexMessages, unindexSession: indexMessages } as unknown as MemoryIndexingService;
  const events = { memoryIndexed: async (_: unknown, indexed: MemoryIndexed) => void announced.push(indexed) } as unknown as IngestionEventsPublisher;
  // Changes without a sequence apply whole, without asking the versions.
  return { announced, sut: new MemoryChangeProcessor(indexing, new MemoryChangeOrder({} as MemoryVersionsRepository), events) };
}

describe(MemoryChangeProcessor.name, () => {
  it('announces what it indexed', async () => {
    const { sut, announced } = harness(async () => ({ chunksWritten: 1, chunksDeleted: 0 }));
    await sut.process(change, { attempt: 1, maxAttempts: 3 });
    expect(announced).toEqual([
      { operationId: 'op-1', sessionId: 's', change: 'upserted', messageIds: ['m1'], chunksWritten: 1, chunksDeleted: 0, failure: null },
    ]);
  });

  it('leaves a transient failure to the bus’s retries without announcing it', async () => {
    const { sut, announced } = harness(async () => Promise.reject(new Error('index busy')));
    await expect(sut.process(change, { attempt: 1, maxAttempts: 3 })).rejects.toThrow('index busy');
    expect(announced).toEqual([]);
  });

  it('announces the failure on the last attempt, so the operation fails instead of waiting forever', async () => {
    const { sut, announced } = harness(async () => Promise.reject(new Error('index broken')));
    await expect(sut.process(change, { attempt: 3, maxAttempts: 3 })).rejects.toThrow('index broken');
    expect(announced[0]!.failure).toEqual({ code: 'INTERNAL', message: 'index broken' });
  });

  it('announces a change that failed its schema as failed, by the operation and session its envelope names', async () => {
    const { sut, announced } = harness(async () => ({ chunksWritten: 1, chunksDeleted: 0 }));
    const refused = { ...change, payload: { operationId: 'op-2', sessionId: 's', messages: 'not a list' } };
    const error = new UnreadableMessageError(new DomainError(ErrorCode.ValidationFailed, 'Invalid memory change: payload.messages: expected array'));
    await sut.failRefused(refused, error);
    await sut.failRefused({ payload: { operationId: 'op-3' } }, error);
    expect(announced).toEqual([
      {
        operationId: 'op-2',
        sessionId: 's',
        change: 'upserted',
        messageIds: [],
        chunksWritten: 0,
        chunksDeleted: 0,
        failure: { code: 'VALIDATION_FAILED', message: 'Invalid memory change: payload.messages: expected array' },
      },
    ]);
  });
});
