import { createTestDatabase } from '@recollect/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobEntity } from './job.entity';
import { JobsRepository } from './jobs.repository';

const ACME_ALICE = { userId: 'alice', organizationId: 'acme' };
const PERSONAL_ALICE = { userId: 'alice', organizationId: null };
const ACME_BOB = { userId: 'bob', organizationId: 'acme' };

// A real PostgreSQL: begin is one SQL statement whose conflict rules are the behaviour under test.
describe(JobsRepository.name, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let sut: JobsRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [JobEntity], synchronize: true });
    sut = new JobsRepository(dataSource);
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('creates a job whose command arrived first as active on its first attempt, as a later read returns it', async () => {
    const before = new Date();
    const outcome = await sut.begin('job-new', ACME_ALICE, 'add');
    expect(outcome.kind).toBe('run');
    expect(outcome.job).toBeInstanceOf(JobEntity);
    expect(outcome.job).toMatchObject({ id: 'job-new', ...ACME_ALICE, kind: 'add', status: 'active', attemptsMade: 1, failedReason: null, result: null, finishedOn: null });
    expect(outcome.job.processedOn!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);
    expect(outcome.job).toEqual(await sut.findForTenant('job-new', ACME_ALICE));
  });

  it('counts one more attempt each time an unfinished job begins again', async () => {
    await dataSource.getRepository(JobEntity).insert({ id: 'job-waiting', ...PERSONAL_ALICE, kind: 'delete', status: 'waiting' });
    expect((await sut.begin('job-waiting', PERSONAL_ALICE, 'delete')).job).toMatchObject({ status: 'active', attemptsMade: 1 });
    const again = await sut.begin('job-waiting', PERSONAL_ALICE, 'delete');
    expect(again).toMatchObject({ kind: 'run', job: { status: 'active', attemptsMade: 2, organizationId: null } });
  });

  it.each(['completed', 'failed', 'cancelled'] as const)('skips a %s job and leaves it as it was', async (status) => {
    const id = `job-${status}`;
    const finishedOn = new Date('2026-03-04T05:06:07.890Z');
    await dataSource.getRepository(JobEntity).insert({ id, ...ACME_ALICE, kind: 'add', status, attemptsMade: 1, finishedOn });
    const before = await sut.findForTenant(id, ACME_ALICE);
    const outcome = await sut.begin(id, ACME_ALICE, 'add');
    expect(outcome).toEqual({ kind: 'skip', job: before });
    expect(await sut.findForTenant(id, ACME_ALICE)).toEqual(before);
  });

  it("refuses another tenant's job, waiting or finished, and leaves it untouched", async () => {
    await sut.begin('job-of-alice', ACME_ALICE, 'add');
    const before = await sut.findForTenant('job-of-alice', ACME_ALICE);
    await expect(sut.begin('job-of-alice', ACME_BOB, 'add')).rejects.toThrow(/another tenant/);
    await expect(sut.begin('job-of-alice', PERSONAL_ALICE, 'add')).rejects.toThrow(/another tenant/);
    await expect(sut.begin('job-completed', ACME_BOB, 'add')).rejects.toThrow(/another tenant/);
    expect(await sut.findForTenant('job-of-alice', ACME_ALICE)).toEqual(before);
  });
});
