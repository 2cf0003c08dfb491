import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { FINISHED_JOB_STATUSES, type JobStatus, type Tenant } from '@recollect/contracts';
import { tenantRowLookup, type TenantRowLookup } from '@recollect/database';
import { tenantWhere } from '../tenant-where';
import { JobEntity } from './job.entity';

export type BeginOutcome = { kind: 'run'; job: JobEntity } | { kind: 'skip'; job: JobEntity };
export type CancelOutcome = 'cancelled' | 'running' | 'finished' | 'unknown';


@Injectable()
export class JobsRepository {
  /** Every status poll and every synchronous add's wait reads a job: a named statement, not a TypeORM query. */
  private readonly findJob: TenantRowLookup<JobEntity>;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.findJob = tenantRowLookup(db, JobEntity);
  }

  /** Marks a job active for one more attempt, unless it was cancelled or already finished. */
  begin(id: string, tenant: Tenant, kind: JobEntity['kind']): Promise<BeginOutcome> {
    return this.db.transaction(async (tx) => {
      const job = await this.lockOrCreate(tx, id, tenant, kind, 'waiting');
      if (FINISHED_JOB_STATUSES.includes(job.status)) return { kind: 'skip', job };
      job.status = 'active';
      job.attemptsMade += 1;
      job.processedOn = new Date();
      // update() writes just these columns (and updated_at); save() would first read the locked row back to diff it.
      await tx.update(JobEntity, { id }, { status: job.status, attemptsMade: job.attemptsMade, processedOn: job.processedOn });
      return { kind: 'run', job };
    });
  }

  async complete(id: string, result: JobEntity['result']): Promise<void> {
    await this.db.getRepository(JobEntity).update(id, { status: 'completed', result, failedReason: null, failedCode: null, finishedOn: new Date() });
  }

  async fail(id: string, reason: string, code: string | null): Promise<void> {
    await this.db.getRepository(JobEntity).update(id, { status: 'failed', failedReason: reason, failedCode: code, finishedOn: new Date() });
  }

  /** A transient failure: the job stays active and the bus redelivers the command. */
  async noteAttemptFailure(id: string, reason: string): Promise<void> {
    await this.db.getRepository(JobEntity).update(id, { failedReason: reason });
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

  /** `issued` says the caller proved the id is one this service handed out, so an unseen job is still waiting. */
  cancel(id: string, tenant: Tenant, issued: boolean): Promise<CancelOutcome> {
    return this.db.transaction(async (tx) => {
      const existing = await tx.getRepository(JobEntity).findOne({ where: { id, ...tenantWhere(tenant) }, lock: { mode: 'pessimistic_write' } });
      if (!existing) {
        if (!issued) return 'unknown';
        await this.lockOrCreate(tx, id, tenant, 'add', 'cancelled');
        return 'cancelled';
      }
      if (existing.status === 'active') return 'running';
      if (existing.status !== 'waiting') return 'finished';
      existing.status = 'cancelled';
      existing.finishedOn = new Date();
      await tx.save(existing);
      return 'cancelled';
    });
  }

  private async lockOrCreate(tx: EntityManager, id: string, tenant: Tenant, kind: JobEntity['kind'], status: JobStatus): Promise<JobEntity> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(JobEntity)
      .values({ id, userId: tenant.userId, organizationId: tenant.organizationId, kind, status, finishedOn: status === 'cancelled' ? new Date() : null })
      .orIgnore()
      .execute();
    const job = await tx.getRepository(JobEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!job || job.userId !== tenant.userId || job.organizationId !== tenant.organizationId) {
      throw new Error(`Job ${id} belongs to another tenant`);
    }
    return job;
  }
}
