import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Not } from 'typeorm';
import { FINISHED_JOB_STATUSES, type JobStatus, type Tenant } from '@recollect/contracts';
import { driverPool, hydrateRow, tenantRowLookup, type TenantRowLookup } from '@recollect/database';
import { ingestionJobs } from '@recollect/metrics';
import { tenantWhere } from '../tenant-where';
import { JobEntity } from './job.entity';
import { JobOutcomeEntity, type JobOutcome } from './job-outcome.entity';
import { INGESTION_DATA_SOURCE } from '../ingestion.tokens';

export type BeginOutcome = { kind: 'run'; job: JobEntity } | { kind: 'skip'; job: JobEntity };
export type CancelOutcome = 'cancelled' | 'running' | 'finished' | 'unknown';


/** The insert's values are a first attempt; on conflict, the tenant's unfinished job gets one more. */
const BEGIN_JOBS = `
INSERT INTO jobs AS job (id, user_id, organization_id, kind, status, attempts_made, processed_on)
SELECT id, user_id, organization_id, kind, 'active', 1, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, user_id, organization_id, kind)
ON CONFLICT (id) DO UPDATE SET status = 'active', attempts_made = job.attempts_made + 1, processed_on = $5, updated_at = now()
  WHERE job.user_id = EXCLUDED.user_id AND job.organization_id IS NOT DISTINCT FROM EXCLUDED.organization_id AND job.status <> ALL ($6::text[])
RETURNING *`;

// A job completes once: of two deliveries of one command running at once (a replica still working on
// a partition handed to another), the second finds it completed and announces what the first stored.
// One the other delivery failed meanwhile completes all the same: its documents are indexed. The
// outcome goes to its own table in the same statement.
const COMPLETE_JOBS = `
WITH completed AS (
  UPDATE jobs AS job SET status = 'completed', result = t.result, failed_reason = NULL, failed_code = NULL, finished_on = $4, updated_at = now()
  FROM unnest($1::text[], $2::jsonb[], $3::jsonb[]) AS t(id, result, outcome)
  WHERE job.id = t.id AND job.status IN ('active', 'failed')
  RETURNING job.*, t.outcome AS new_outcome
), outcomes AS (
  INSERT INTO job_outcomes (job_id, outcome) SELECT id, new_outcome FROM completed WHERE new_outcome IS NOT NULL
  ON CONFLICT (job_id) DO NOTHING
)
SELECT * FROM completed`;

export interface CompletedJob {
  id: string;
  result: JobEntity['result'];
  outcome: JobOutcome | null;
}

export interface JobToBegin {
  id: string;
  tenant: Tenant;
  kind: JobEntity['kind'];
}

@Injectable()
export class JobsRepository {
  /** Every status poll and every synchronous add's wait reads a job: a named statement, not a TypeORM query. */
  private readonly findJob: TenantRowLookup<JobEntity>;

  constructor(@InjectDataSource(INGESTION_DATA_SOURCE) private readonly db: DataSource) {
    this.findJob = tenantRowLookup(db, JobEntity);
  }

  /**
   * Marks a job active for one more attempt, creating it if its command arrived first, unless it was
   * cancelled or already finished. Every command begins a job, so this is one named statement, not a
   * transaction of four (insert, lock, update, commit: about 7 ms a command under ingestion load). A
   * row it leaves alone is a finished job, or another tenant's; the rare second read tells which.
   */
  async begin(id: string, tenant: Tenant, kind: JobEntity['kind']): Promise<BeginOutcome> {
    const begun = await this.beginEach([{ id, tenant, kind }]);
    const job = begun.get(id);
    if (job) return { kind: 'run', job };
    const finished = await this.findJob(id, tenant);
    if (!finished) throw new Error(`Job ${id} belongs to another tenant`);
    return { kind: 'skip', job: finished };
  }

  /**
   * begin for many jobs in one statement (their ids distinct): answers the jobs now active, by id. One
   * missing from the answer is finished, cancelled or another tenant's, and was left as it was.
   */
  async beginEach(jobs: readonly JobToBegin[]): Promise<Map<string, JobEntity>> {
    const { rows } = await driverPool(this.db).query<Record<string, unknown>>({
      name: 'ingestion-jobs-begin',
      text: BEGIN_JOBS,
      values: [jobs.map((j) => j.id), jobs.map((j) => j.tenant.userId), jobs.map((j) => j.tenant.organizationId ?? null), jobs.map((j) => j.kind), new Date(), FINISHED_JOB_STATUSES],
    });
    const begun = rows.map((row) => hydrateRow(this.db, JobEntity, row));
    return new Map(begun.map((job) => [job.id, job]));
  }

  /** Marks jobs completed with their results and outcome events, in one statement; answers them as they now are. */
  async completeEach(results: ReadonlyArray<CompletedJob>): Promise<JobEntity[]> {
    const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
    const { rows } = await driverPool(this.db).query<Record<string, unknown>>({
      name: 'ingestion-jobs-complete',
      text: COMPLETE_JOBS,
      values: [results.map((r) => r.id), results.map((r) => json(r.result)), results.map((r) => json(r.outcome)), new Date()],
    });
    const jobs = rows.map((row) => hydrateRow(this.db, JobEntity, row));
    // Only the jobs this statement completed: one completed before is not answered.
    for (const job of jobs) ingestionJobs.inc({ kind: job.kind, outcome: 'completed' });
    return jobs;
  }

  async complete(completed: CompletedJob): Promise<JobEntity | undefined> {
    const [job] = await this.completeEach([completed]);
    return job;
  }

  /** Fails a job not finished yet; a finished one (its documents indexed, say) keeps its status. */
  async fail(id: string, reason: string, code: string | null): Promise<void> {
    const { raw } = await this.db
      .createQueryBuilder()
      .update(JobEntity)
      .set({ status: 'failed', failedReason: reason, failedCode: code, finishedOn: new Date() })
      .where({ id, status: Not(In([...FINISHED_JOB_STATUSES])) })
      .returning(['kind'])
      .execute();
    for (const { kind } of raw as Array<Pick<JobEntity, 'kind'>>) ingestionJobs.inc({ kind, outcome: 'failed' });
  }

  /** A transient failure: the job stays active and the bus redelivers the command. A job finished meanwhile keeps no reason. */
  async noteAttemptFailure(id: string, reason: string): Promise<void> {
    await this.db.getRepository(JobEntity).update({ id, status: 'active' }, { failedReason: reason });
  }

  /** The outcome a completed job stored; null for other jobs, and for jobs completed before outcomes were kept. */
  async outcomeOf(id: string): Promise<JobOutcome | null> {
    return (await this.db.getRepository(JobOutcomeEntity).findOneBy({ jobId: id }))?.outcome ?? null;
  }

  findForTenant(id: string, tenant: Tenant): Promise<JobEntity | null> {
    return this.findJob(id, tenant);
  }

  list(tenant: Tenant, statuses: JobStatus[] | null, limit: number, offset: number): Promise<JobEntity[]> {
    return this.db.getRepository(JobEntity).find({
      where: { ...tenantWhere(tenant), ...(statuses ? { status: In(statuses) } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  /**
   * `issued` says the caller proved the id is one this service handed out, so an unseen job is still
   * waiting: it is recorded as cancelled, and its command will find it so. The row is written first,
   * then read: a job ingestion began in between is found running, never answered as cancelled.
   */
  cancel(id: string, tenant: Tenant, issued: boolean): Promise<CancelOutcome> {
    return this.db.transaction(async (tx) => {
      if (issued) {
        const { raw } = await tx
          .createQueryBuilder()
          .insert()
          .into(JobEntity)
          .values({ id, userId: tenant.userId, organizationId: tenant.organizationId, kind: 'add', status: 'cancelled', finishedOn: new Date() })
          .orIgnore()
          .returning(['id'])
          .execute();
        if ((raw as unknown[]).length > 0) return 'cancelled';
      }
      const existing = await tx.getRepository(JobEntity).findOne({ where: { id, ...tenantWhere(tenant) }, lock: { mode: 'pessimistic_write' } });
      if (!existing) return 'unknown';
      if (existing.status === 'active') return 'running';
      if (existing.status !== 'waiting') return 'finished';
      existing.status = 'cancelled';
      existing.finishedOn = new Date();
      await tx.save(existing);
      return 'cancelled';
    });
  }
}
