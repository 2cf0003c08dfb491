import AlchemystAI from '@alchemystai/sdk';
import { searchBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness';

describe('the official @alchemystai/sdk client’s memory calls', () => {
  let sut: TestStack;
  let client: AlchemystAI;
  let token: string;

  beforeAll(async () => {
    sut = await startTestStack();
    token = sut.token('sdk-user', 'sdk-org');
    client = new AlchemystAI({ baseURL: sut.url, apiKey: token, maxRetries: 0 });
  });
  afterAll(() => sut?.stop());

  const sessionContents = async (memoryId: string) => {
    const r = await sut.call(token, 'POST', '/api/v1/context/search?metadata=true', searchBody('scale plan pricing', { metadata: { memoryId } }));
    return r.body.contexts.map((c: any) => [c.metadata.messageId, c.content]).sort();
  };

  it('memory.add, memory.update and memory.delete work as the client sends them (memoryId)', async () => {
    await client.v1.context.memory.add({
      memoryId: 'support-thread-TCK-1234',
      contents: [
        {
          content: 'Customer asked about pricing for the Scale plan.',
          metadata: { messageId: 'msg-1' },
          role: 'user',
          id: 'msg-1',
          createdAt: '2025-01-10T12:34:56.000Z',
        },
        {
          content: 'Explained the Scale plan pricing and shared the pricing page link.',
          metadata: { messageId: 'msg-2' },
          role: 'assistant',
          id: 'msg-2',
          createdAt: '2025-01-10T12:35:30.000Z',
        },
      ],
    });
    expect(await sessionContents('support-thread-TCK-1234')).toEqual([
      ['msg-1', 'Customer asked about pricing for the Scale plan.'],
      ['msg-2', 'Explained the Scale plan pricing and shared the pricing page link.'],
    ]);

    await client.v1.context.memory.update({
      memoryId: 'support-thread-TCK-1234',
      contents: [
        {
          content: 'Updated answer about the Scale plan pricing after discounts.',
          metadata: { messageId: 'msg-2' },
          role: 'assistant',
          id: 'msg-2',
          createdAt: '2025-01-10T12:36:00.000Z',
        },
      ],
    });
    expect(await sessionContents('support-thread-TCK-1234')).toEqual([
      ['msg-1', 'Customer asked about pricing for the Scale plan.'],
      ['msg-2', 'Updated answer about the Scale plan pricing after discounts.'],
    ]);

    await client.v1.context.memory.delete({ memoryId: 'support-thread-TCK-1234', user_id: null, organization_id: null });
    expect(await sessionContents('support-thread-TCK-1234')).toEqual([]);
  });

  it('surfaces an unknown session on update as the client’s 404 error', async () => {
    await expect(client.v1.context.memory.update({ memoryId: 'nope', contents: [{ content: 'x', id: 'a' }] })).rejects.toMatchObject({ status: 404 });
  });
});
