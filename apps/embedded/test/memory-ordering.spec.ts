import { addMessageBody, searchBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness';

describe('memory commands of one session apply in the order sent', () => {
  let sut: TestStack;
  let token: string;

  beforeAll(async () => {
    sut = await startTestStack();
    token = sut.token('alice', 'acme');
  });
  afterAll(() => sut?.stop());

  const sessionTexts = async (sessionId: string): Promise<string[]> => {
    const r = await sut.call(token, 'POST', '/api/v1/context/search', searchBody('plan', { limit: 100, metadata: { sessionId } }));
    return r.body.contexts.map((c: any) => c.content).sort();
  };

  it('an update sent right after an asynchronous add finds the session and wins', async () => {
    for (let round = 0; round < 5; round += 1) {
      const sessionId = `add-then-update-${round}`;
      const queued = await sut.call(token, 'POST', '/open/v1/memory/async/add-message', addMessageBody('alice', 'The plan is A.', { sessionId }, { id: 'm1' }));
      expect(queued.status).toBe(202);
      // Not waiting for the add: the update is only valid if it is applied after it.
      const updated = await sut.call(token, 'POST', '/api/v1/context/memory/update', { sessionId, contents: [{ content: 'The plan is B.', id: 'm1' }] });
      expect(updated.status).toBe(200);
      expect(updated.body.updated_entries).toBe(1);
      expect(await sessionTexts(sessionId)).toEqual(['The plan is B.']);
    }
  });

  it('a delete sent right after asynchronous adds leaves nothing searchable behind', async () => {
    const sessionId = 'add-then-delete';
    const operations: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const r = await sut.call(token, 'POST', '/open/v1/memory/async/add-message', addMessageBody('alice', `Plan step ${i}.`, { sessionId }));
      operations.push(r.body.data.operationId);
    }
    expect((await sut.call(token, 'POST', '/api/v1/context/memory/delete', { sessionId })).status).toBe(204);
    for (const operationId of operations) {
      await eventually(async () => ((await sut.call(token, 'GET', `/open/v1/operations/${operationId}`)).body.data.status === 'completed' ? true : undefined));
    }
    expect(await sessionTexts(sessionId)).toEqual([]);
  });
});
