import { ingestionJobs } from '@recollect/metrics';
import { createTestDatabase } from '@recollect/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobEntity } from './job.entity';
import { JobOutcomeEntity } from './job-outcome.entity';
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
    dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [JobEntity, JobOutcomeEntity], synchronize: true });
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

  it('begins many jobs in one statement, answering only those it made active', async () => {
    await dataSource.getRepository(JobEntity).insert([
      { id: 'many-waiting', ...ACME_ALICE, kind: 'add', status: 'waiting' },
      { id: 'many-cancelled', ...ACME_ALICE, kind: 'add', status: 'cancelled', finishedOn: new Date() },
      { id: 'many-bobs', ...ACME_BOB, kind: 'add', status: 'waiting' },
    ]);
    const begun = await sut.beginEach([
      { id: 'many-new', tenant: PERSONAL_ALICE, kind: 'add' },
      { id: 'many-waiting', tenant: ACME_ALICE, kind: 'add' },
      { id: 'many-cancelled', tenant: ACME_ALICE, kind: 'add' },
      { id: 'many-bobs', tenant: ACME_ALICE, kind: 'add' },
    ]);
    expect([...begun.keys()].sort()).toEqual(['many-new', 'many-waiting']);
    expect(begun.get('many-new')).toMatchObject({ ...PERSONAL_ALICE, status: 'active', attemptsMade: 1 });
    expect(begun.get('many-waiting')).toEqual(await sut.findForTenant('many-waiting', ACME_ALICE));
    expect(await sut.findForTenant('many-cancelled', ACME_ALICE)).toMatchObject({ status: 'cancelled', attemptsMade: 0 });
    expect(await sut.findForTenant('many-bobs', ACME_BOB)).toMatchObject({ status: 'waiting', attemptsMade: 0 });
  });

  it('completes many jobs in one statement with their own results, answering them as stored', async () => {
    await sut.beginEach([
      { id: 'done-1', tenant: ACME_ALICE, kind: 'add' },
      { id: 'done-2', tenant: ACME_BOB, kind: 'delete' },
    ]);
    await sut.noteAttemptFailure('done-1', 'index briefly down');
    const indexed = { jobId: 'done-1', contextId: 'ctx-1', source: 'notes', documents: [{ documentId: 'doc-1', fileName: 'a.txt', chunkCount: 2 }] };
    const deleted = { jobId: 'done-2', documentIds: ['doc-9'], chunksDeleted: 4 };
    const completed = await sut.completeEach([
      { id: 'done-1', result: { context_id: 'ctx-1', processed_documents: 3 }, outcome: indexed },
      { id: 'done-2', result: null, outcome: deleted },
    ]);
    expect(completed.map((job) => job.id).sort()).toEqual(['done-1', 'done-2']);
    const first = completed.find((job) => job.id === 'done-1')!;
    expect(first).toMatchObject({ status: 'completed', result: { context_id: 'ctx-1', processed_documents: 3 }, failedReason: null });
    expect(first.finishedOn).toBeInstanceOf(Date);
    expect(first).toEqual(await sut.findForTenant('done-1', ACME_ALICE));
    expect(await sut.findForTenant('done-2', ACME_BOB)).toMatchObject({ status: 'completed', result: null });
    expect([await sut.outcomeOf('done-1'), await sut.outcomeOf('done-2')]).toEqual([indexed, deleted]);
    expect(await sut.complete({ id: 'no-such-job', result: null, outcome: null })).toBeUndefined();
  });

  it('leaves a finished job as it is: completed once, never failed or given a reason afterwards', async () => {
    const finished = async () => (await ingestionJobs.get()).values.map(({ labels, value }) => [labels.kind, labels.outcome, value]).sort();
    const before = await finished();
    await sut.beginEach([{ id: 'once', tenant: ACME_ALICE, kind: 'add' }]);
    const outcome = { jobId: 'once', contextId: 'ctx-once', source: 'notes', documents: [] };
    expect(await sut.complete({ id: 'once', result: { context_id: 'ctx-once', processed_documents: 0 }, outcome })).toMatchObject({ status: 'completed' });
    // A second delivery running beside the first completes nothing, and keeps the first outcome.
    expect(await sut.complete({ id: 'once', result: null, outcome: { ...outcome, source: 'other' } })).toBeUndefined();
    await sut.noteAttemptFailure('once', 'announcing it failed');
    await sut.fail('once', 'announcing it failed', 'INTERNAL');
    expect(await sut.findForTenant('once', ACME_ALICE)).toMatchObject({ status: 'completed', failedReason: null, failedCode: null, result: { context_id: 'ctx-once' } });
    expect(await sut.outcomeOf('once')).toEqual(outcome);

    await sut.beginEach([{ id: 'failed-once', tenant: ACME_ALICE, kind: 'add' }]);
    await sut.fail('failed-once', 'first reason', 'INTERNAL');
    await sut.fail('failed-once', 'second reason', 'TIMEOUT');
    expect(await sut.findForTenant('failed-once', ACME_ALICE)).toMatchObject({ status: 'failed', failedReason: 'first reason', failedCode: 'INTERNAL' });
    expect(await sut.outcomeOf('failed-once')).toBeNull();
    // Each job counted once, under the outcome it kept.
    const counted = (rows: Array<Array<unknown>>, outcome: string) => Number(rows.find(([kind, o]) => kind === 'add' && o === outcome)?.[2] ?? 0);
    const after = await finished();
    expect([counted(after, 'completed') - counted(before, 'completed'), counted(after, 'failed') - counted(before, 'failed')]).toEqual([1, 1]);
  });

  it('completes a job another delivery failed meanwhile: its documents are indexed', async () => {
    await sut.beginEach([{ id: 'raced', tenant: ACME_ALICE, kind: 'add' }]);
    await sut.fail('raced', 'a stale delivery gave up', 'INTERNAL');
    const outcome = { jobId: 'raced', contextId: 'ctx-raced', source: 'notes', documents: [] };
    expect(await sut.complete({ id: 'raced', result: { context_id: 'ctx-raced', processed_documents: 0 }, outcome })).toMatchObject({
      status: 'completed',
      failedReason: null,
      failedCode: null,
    });
    expect(await sut.outcomeOf('raced')).toEqual(outcome);
  });

  it('cancels an issued job nobody began, and answers what a job begun first is: running, finished, or another tenant\'s', async () => {
    expect(await sut.cancel('never-begun', ACME_ALICE, true)).toBe('cancelled');
    expect(await sut.beginEach([{ id: 'never-begun', tenant: ACME_ALICE, kind: 'add' }])).toEqual(new Map());
    expect(await sut.cancel('never-begun', ACME_ALICE, true)).toBe('finished');

    await sut.beginEach([{ id: 'begun-first', tenant: ACME_ALICE, kind: 'add' }]);
    expect(await sut.cancel('begun-first', ACME_ALICE, true)).toBe('running');
    expect(await sut.findForTenant('begun-first', ACME_ALICE)).toMatchObject({ status: 'active' });
    await sut.complete({ id: 'begun-first', result: null, outcome: null });
    expect(await sut.cancel('begun-first', ACME_ALICE, true)).toBe('finished');

    expect(await sut.cancel('begun-first', ACME_BOB, true)).toBe('unknown');
    expect(await sut.cancel('not-issued', ACME_ALICE, false)).toBe('unknown');
  });
});
