import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness';

/**
 * A sync add waits for its job; its job may be queued behind much other work. Stopping must not wait
 * for that work: the wait ends with the answer a wait past its deadline gives, and the job, durable,
 * finishes after the restart.
 */
describe('stopping while a sync request waits for its job', () => {
  let sut: TestStack | undefined;
  let holder: Client | undefined;
  afterEach(async () => {
    await holder?.end().catch(() => undefined);
    await sut?.stop().catch(() => undefined);
  });

  it('answers the waiting request 504, naming its job, without waiting for the job', async () => {
    sut = await startTestStack();
    holder = new Client({ connectionString: sut.databaseUrl });
    await holder.connect();
    // Reads of the jobs table go on; no job can be started or finished while this is held.
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE jobs IN EXCLUSIVE MODE');

    const token = sut.token('alice', 'acme');
    const answered = sut.call(token, 'POST', '/api/v1/context/add', { documents: [{ content: 'Held until the stop.' }], source: 'held', context_type: 'resource' });
    await eventually(async () => (Number((await holder!.query(`SELECT count(*) AS n FROM bus.messages WHERE topic = 'context.commands.v1'`)).rows[0].n) > 0 ? true : undefined));

    const stopped = sut.stack.stop();
    const answer = await answered;
    expect(answer.status).toBe(504);
    expect(answer.body.message).toMatch(/^Job \S+ did not finish before the service began stopping; it goes on, poll its status$/);
    expect(answer.body.error.details.jobId).toEqual(expect.any(String));
    // Only now can ingestion finish the job it holds, and the stop complete.
    await holder.query('COMMIT');
    await stopped;
  }, 60_000);
});
