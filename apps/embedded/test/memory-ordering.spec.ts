import { Topics, sessionKey } from '@recollect/contracts';
import { addMessageBody, searchBody } from '@recollect/testing';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness';

describe('memory commands of one session apply in the order sent', () => {
  let sut: TestStack;
  let token: string;
  let db: Client;

  beforeAll(async () => {
    sut = await startTestStack();
    token = sut.token('alice', 'acme');
    db = new Client({ connectionString: sut.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await sut?.stop();
  });

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

  it('a late copy of a change (a publish landed after its retry, a dead letter replayed) undoes neither a later update nor a later delete', async () => {
    const sessionId = 'late-copy';
    const key = sessionKey({ userId: 'alice', organizationId: 'acme' }, sessionId);
    expect((await sut.call(token, 'POST', '/api/v1/context/memory/add', { sessionId, contents: [{ content: 'The plan is A.', id: 'm1' }] })).status).toBe(201);
    const [added] = (await db.query(`SELECT partition, headers, value FROM bus.messages WHERE topic = $1 AND key = $2 ORDER BY "offset" LIMIT 1`, [Topics.memoryChanges, key])).rows;
    /** The add's change again, as the bus would deliver a late copy; resolves once ingestion has handled it. */
    const deliverLateCopy = async () => {
      const [{ offset }] = (
        await db.query(`INSERT INTO bus.messages (topic, partition, key, headers, value) VALUES ($1, $2, $3, $4, $5) RETURNING "offset"`, [
          Topics.memoryChanges,
          added.partition,
          key,
          added.headers,
          added.value,
        ])
      ).rows;
      await eventually(async () => {
        const { rows } = await db.query(`SELECT 1 FROM bus.consumer_offsets WHERE group_id = 'ingestion' AND topic = $1 AND partition = $2 AND committed_offset >= $3`, [
          Topics.memoryChanges,
          added.partition,
          offset,
        ]);
        return rows.length > 0 ? true : undefined;
      });
    };

    expect((await sut.call(token, 'POST', '/api/v1/context/memory/update', { sessionId, contents: [{ content: 'The plan is B.', id: 'm1' }] })).status).toBe(200);
    await deliverLateCopy();
    expect(await sessionTexts(sessionId)).toEqual(['The plan is B.']);

    expect((await sut.call(token, 'POST', '/api/v1/context/memory/delete', { sessionId })).status).toBe(204);
    await deliverLateCopy();
    expect(await sessionTexts(sessionId)).toEqual([]);
  });
});
