import { Client } from 'pg';
import { CommandTypes, Topics, makeEnvelope, tenantKey, type AddContextCommand, type Tenant } from '@recollect/contracts';
import { JobIds } from '@recollect/gateway';
import { searchBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedSecret } from '../src/secrets';
import { eventually, startTestStack, type TestStack } from './harness';

const API = '/api/v1/context';
const tenant: Tenant = { userId: 'producer', organizationId: 'org-p' };

/** Commands written straight onto the bus log, as another producer (or a redelivery) would. */
describe('commands arriving on the bus', () => {
  let sut: TestStack;
  let db: Client;
  let token: string;
  let jobIds: JobIds;

  const publish = async (command: AddContextCommand) => {
    const value = makeEnvelope(CommandTypes.addContext, tenant, `corr-${command.jobId}`, command);
    await db.query('INSERT INTO bus.messages (topic, partition, key, headers, value) VALUES ($1, 0, $2, $3, $4)', [Topics.contextCommands, tenantKey(tenant), {}, value]);
  };
  const command = (jobId: string, content: string, contextId = `ctx-${jobId.slice(4, 12)}`, fileName?: string): AddContextCommand => ({
    jobId,
    contextId,
    source: 'bus-probe',
    contextType: 'resource',
    scope: 'internal',
    chained: false,
    metadata: fileName ? { fileName } : {},
    documents: [{ content, metadata: {} }],
  });
  /** In one statement, so the consumer reads them in one batch. */
  const publishTogether = async (commands: AddContextCommand[]) => {
    const values = commands.map((c) => makeEnvelope(CommandTypes.addContext, tenant, `corr-${c.jobId}`, c));
    await db.query(
      `INSERT INTO bus.messages (topic, partition, key, headers, value) SELECT $1, 0, $2, '{}'::jsonb, v FROM unnest($3::jsonb[]) AS v`,
      [Topics.contextCommands, tenantKey(tenant), values.map((value) => JSON.stringify(value))],
    );
  };
  const jobStatus = async (jobId: string) => (await sut.call(token, 'GET', `${API}/add-async/${jobId}/status`)).body;

  beforeAll(async () => {
    sut = await startTestStack();
    token = sut.token(tenant.userId, tenant.organizationId!);
    jobIds = new JobIds(derivedSecret(sut.stack.jwtSecret, 'job-ids'));
    db = new Client({ connectionString: sut.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await sut?.stop();
  });

  it('skips the command of a job cancelled while it was waiting', async () => {
    const cancelledJob = jobIds.issue(tenant);
    expect((await sut.call(token, 'DELETE', `${API}/add-async/${cancelledJob}/cancel`)).status).toBe(200);
    await publish(command(cancelledJob, 'Cancelled probe: the armadillo rolls into a ball.'));
    const controlJob = jobIds.issue(tenant);
    await publish(command(controlJob, 'Control probe: the hedgehog rolls into a ball.'));

    // Same partition, so once the later command is done the cancelled one has been seen too.
    await eventually(async () => ((await jobStatus(controlJob)).status === 'completed' ? true : undefined));
    expect((await jobStatus(cancelledJob)).status).toBe('cancelled');
    const found = await sut.call(token, 'POST', `${API}/search`, searchBody('rolls into a ball'));
    const contents = found.body.contexts.map((c: { content: string }) => c.content).join(' ');
    expect(contents).toContain('hedgehog');
    expect(contents).not.toContain('armadillo');
  });

  it('does not duplicate chunks when the same command is delivered twice', async () => {
    const jobId = jobIds.issue(tenant);
    const twice = command(jobId, 'Redelivery probe: the okapi is related to the giraffe.');
    await publish(twice);
    await publish(twice);
    const marker = jobIds.issue(tenant);
    await publish(command(marker, 'Marker after the redelivery.'));
    await eventually(async () => ((await jobStatus(marker)).status === 'completed' ? true : undefined));

    const view = await sut.call(token, 'GET', `${API}/view?limit=1000`);
    const copies = view.body.context.filter((n: { content: string }) => n.content.includes('okapi'));
    expect(copies).toHaveLength(1);
    expect((await jobStatus(jobId)).attemptsMade).toBe(1);
  });

  it("announces a finished job's update and outcome again when its command comes again, under the same event ids", async () => {
    const jobId = jobIds.issue(tenant);
    const again = command(jobId, 'Announcement probe: the tapir is related to the horse.');
    const eventsOf = async (topic: string) =>
      (
        await db.query<{ value: { id: string; occurredAt: string; payload: { jobId: string; status?: string } } }>(
          "SELECT value FROM bus.messages WHERE topic = $1 AND value->'payload'->>'jobId' = $2 ORDER BY \"offset\"",
          [topic, jobId],
        )
      ).rows.map((row) => row.value);
    await publish(again);
    await eventually(async () => ((await eventsOf(Topics.contextIndexed)).length === 1 ? true : undefined));
    await publish(again);
    const [first, second] = await eventually(async () => {
      const indexed = await eventsOf(Topics.contextIndexed);
      return indexed.length === 2 ? indexed : undefined;
    });
    expect(second).toEqual({ ...first, occurredAt: second!.occurredAt });
    const completedUpdates = (await eventsOf(Topics.contextJobUpdated)).filter((event) => event.payload.status === 'completed');
    expect(completedUpdates).toHaveLength(2);
    expect(completedUpdates[1]!.id).toBe(completedUpdates[0]!.id);
    expect((await jobStatus(jobId)).attemptsMade).toBe(1);
  });

  it('applies a run of commands read together, each document with its own vectors', async () => {
    const animals = ['narwhal', 'pangolin', 'axolotl', 'quokka'];
    const jobs = animals.map(() => jobIds.issue(tenant));
    await publishTogether(jobs.map((jobId, i) => command(jobId, `Batch probe: the ${animals[i]} lives here.`)));
    await eventually(async () => ((await jobStatus(jobs[jobs.length - 1]!)).status === 'completed' ? true : undefined));

    for (const animal of animals) {
      const found = await sut.call(token, 'POST', `${API}/search?mode=fast`, searchBody(`Batch probe: the ${animal} lives here.`));
      expect(found.body.contexts[0].content, animal).toContain(animal);
      expect(found.body.contexts[0].score, animal).toBeCloseTo(1, 5);
    }
  });

  it('applies a run read together as one after another would: a taken or repeated file name fails only its own command', async () => {
    const existing = await sut.call(token, 'POST', `${API}/add`, {
      documents: [{ content: 'Already here: the tenant holds taken.txt.' }],
      source: 'bus-probe-existing',
      context_type: 'resource',
      metadata: { fileName: 'taken.txt' },
    });
    expect(existing.status).toBe(201);
    const names = ['first.txt', 'second.txt', 'taken.txt', 'fourth.txt', 'twice.txt', 'twice.txt', 'seventh.txt'];
    const jobs = names.map(() => jobIds.issue(tenant));
    await publishTogether(jobs.map((jobId, i) => command(jobId, `Run probe ${i}: the ibex climbs cliff number ${i}.`, `ctx-run-${i}`, names[i])));
    await eventually(async () => ((await jobStatus(jobs[jobs.length - 1]!)).status === 'completed' ? true : undefined));

    const statuses = await Promise.all(jobs.map(jobStatus));
    expect(statuses.map((job) => job.status)).toEqual(['completed', 'completed', 'failed', 'completed', 'completed', 'failed', 'completed']);
    expect(statuses[2].failedReason).toMatch(/taken\.txt/);
    expect(statuses[5].failedReason).toMatch(/twice\.txt/);
    for (const job of statuses) expect(job.attemptsMade).toBe(1);

    const docs = (await sut.call(token, 'GET', `${API}/view/docs`)).body.documents as Array<{ fileName: string | null; source: string }>;
    expect(docs.filter((d) => d.fileName === 'twice.txt')).toHaveLength(1);
    expect(docs.filter((d) => d.fileName === 'taken.txt').map((d) => d.source)).toEqual(['bus-probe-existing']);

    // Every job announced itself active, then completed or failed, in that order, and each completed one was indexed.
    const { rows } = await db.query<{ topic: string; value: { payload: { jobId: string; status?: string } } }>(
      `SELECT topic, value FROM bus.messages WHERE topic = ANY($1) AND value->'payload'->>'jobId' = ANY($2) ORDER BY "offset"`,
      [[Topics.contextJobUpdated, Topics.contextIndexed], jobs],
    );
    for (const [i, jobId] of jobs.entries()) {
      const events = rows.filter((row) => row.value.payload.jobId === jobId).map((row) => (row.topic === Topics.contextIndexed ? 'indexed' : row.value.payload.status));
      expect(events, names[i]).toEqual(statuses[i].status === 'completed' ? ['active', 'completed', 'indexed'] : ['active', 'failed']);
    }
  });

  it('dead-letters a malformed command and keeps consuming the partition', async () => {
    await db.query('INSERT INTO bus.messages (topic, partition, key, headers, value) VALUES ($1, 0, $2, $3, $4)', [
      Topics.contextCommands,
      tenantKey(tenant),
      {},
      { type: CommandTypes.addContext, payload: { nonsense: true } },
    ]);
    const after = jobIds.issue(tenant);
    await publish(command(after, 'After the poison: the tapir swims well.'));
    await eventually(async () => ((await jobStatus(after)).status === 'completed' ? true : undefined), 30_000);
    const { rows } = await db.query(`SELECT headers FROM bus.messages WHERE topic = $1`, [`${Topics.contextCommands}.dlq`]);
    expect(rows).toHaveLength(1);
    expect(rows[0].headers['x-error']).toMatch(/Invalid command/);
  });

  it("fails the job of a command that fails its schema, with the reason, at its first delivery, instead of leaving it waiting", async () => {
    const refused = jobIds.issue(tenant);
    await publish({ ...command(refused, 'Never indexed.'), documents: [] });
    const job = await eventually(async () => {
      const status = await jobStatus(refused);
      return status.status === 'failed' ? status : undefined;
    });
    expect(job).toMatchObject({ attemptsMade: 1, failedReason: expect.stringContaining('Invalid command: payload.documents') });
    const { rows } = await db.query(`SELECT headers FROM bus.messages WHERE topic = $1 AND value->'payload'->>'jobId' = $2`, [`${Topics.contextCommands}.dlq`, refused]);
    expect(rows.map((row) => row.headers['x-attempts'])).toEqual(['1']);
  });
});
