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
  const command = (jobId: string, content: string, contextId = `ctx-${jobId.slice(4, 12)}`): AddContextCommand => ({
    jobId,
    contextId,
    source: 'bus-probe',
    contextType: 'resource',
    scope: 'internal',
    chained: false,
    metadata: {},
    documents: [{ content, metadata: {} }],
  });
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

  it('applies a run of commands read together, each document with its own vectors', async () => {
    const animals = ['narwhal', 'pangolin', 'axolotl', 'quokka'];
    const jobs = animals.map(() => jobIds.issue(tenant));
    // One statement, so the consumer reads them in one batch and encodes each next one ahead of time.
    const values = jobs.map((jobId, i) => makeEnvelope(CommandTypes.addContext, tenant, `corr-${jobId}`, command(jobId, `Batch probe: the ${animals[i]} lives here.`)));
    await db.query(
      `INSERT INTO bus.messages (topic, partition, key, headers, value) SELECT $1, 0, $2, '{}'::jsonb, v FROM unnest($3::jsonb[]) AS v`,
      [Topics.contextCommands, tenantKey(tenant), values.map((value) => JSON.stringify(value))],
    );
    await eventually(async () => ((await jobStatus(jobs[jobs.length - 1]!)).status === 'completed' ? true : undefined));

    for (const animal of animals) {
      const found = await sut.call(token, 'POST', `${API}/search?mode=fast`, searchBody(`Batch probe: the ${animal} lives here.`));
      expect(found.body.contexts[0].content, animal).toContain(animal);
      expect(found.body.contexts[0].score, animal).toBeCloseTo(1, 5);
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
});
