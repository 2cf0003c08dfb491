import { describe, expect, it } from 'vitest';
import { UnreadableMessageError, makeEnvelope, Topics } from '@recollect/contracts';
import { MemoryIndexedConsumer } from './memory-indexed.consumer';
import type { OperationsRepository } from './operations.repository';

const tenant = { userId: 'u', organizationId: 'o' };

function harness() {
  const failed: Array<[string, unknown, string, string]> = [];
  const operations = {
    fail: async (id: string, owner: unknown, code: string, message: string) => void failed.push([id, owner, code, message]),
    complete: async () => undefined,
  } as unknown as OperationsRepository;
  return { failed, sut: new MemoryIndexedConsumer(operations) };
}

describe(MemoryIndexedConsumer.name, () => {
  it('fails the operation an unreadable event names, with the reason, and throws for the bus to dead-letter it', async () => {
    const { sut, failed } = harness();
    const event = makeEnvelope(Topics.memoryIndexed, tenant, 'corr', { operationId: 'op-1', sessionId: 's', change: 'sideways' });
    await expect(sut.onMemoryIndexed(event)).rejects.toBeInstanceOf(UnreadableMessageError);
    expect(failed).toEqual([['op-1', tenant, 'VALIDATION_FAILED', expect.stringContaining('payload.change')]]);
  });

  it('fails nothing when the event does not say whose operation it was', async () => {
    const { sut, failed } = harness();
    await expect(sut.onMemoryIndexed({ payload: { operationId: 'op-1' } })).rejects.toBeInstanceOf(UnreadableMessageError);
    expect(failed).toEqual([]);
  });
});
