import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type JobStatus, type JobView, type ListJobsQuery, type Tenant } from '@recollect/contracts';
import type { JobEntity } from './job.entity';
import { JobsRepository } from './jobs.repository';

const toView = (job: JobEntity): JobView => ({
  jobId: job.id,
  status: job.status,
  result: job.result,
  attemptsMade: job.attemptsMade,
  failedReason: job.status === 'failed' ? job.failedReason : null,
  createdAt: job.createdAt.toISOString(),
  processedOn: job.processedOn?.toISOString() ?? null,
  finishedOn: job.finishedOn?.toISOString() ?? null,
});

const waitingView = (jobId: string): JobView => ({
  jobId,
  status: 'waiting',
  result: null,
  attemptsMade: 0,
  failedReason: null,
  createdAt: null,
  processedOn: null,
  finishedOn: null,
});

const STATUSES_FOR: Record<ListJobsQuery['type'], JobStatus[] | null> = {
  all: null,
  active: ['active'],
  waiting: ['waiting'],
  failed: ['failed'],
  completed: ['completed'],
  cancelled: ['cancelled'],
};

@Injectable()
export class JobsService {
  constructor(private readonly jobs: JobsRepository) {}

  async status(tenant: Tenant, jobId: string, issued: boolean): Promise<JobView & { failedCode: string | null }> {
    const job = await this.jobs.findForTenant(jobId, tenant);
    if (job) return { ...toView(job), failedCode: job.failedCode };
    if (issued) return { ...waitingView(jobId), failedCode: null };
    throw new DomainError(ErrorCode.NotFound, `No job ${jobId}`);
  }

  async list(tenant: Tenant, query: ListJobsQuery): Promise<JobView[]> {
    const rows = await this.jobs.list(tenant, STATUSES_FOR[query.type], query.limit, query.offset);
    return rows.map(toView);
  }

  async cancel(tenant: Tenant, jobId: string, issued: boolean): Promise<{ status: 'cancelled' }> {
    const outcome = await this.jobs.cancel(jobId, tenant, issued);
    switch (outcome) {
      case 'cancelled':
        return { status: 'cancelled' };
      case 'running':
        throw new DomainError(ErrorCode.JobRunning, `Job ${jobId} is running and can no longer be cancelled`);
      case 'finished':
        throw new DomainError(ErrorCode.NotFound, `Job ${jobId} has already finished`);
      case 'unknown':
        throw new DomainError(ErrorCode.NotFound, `No job ${jobId}`);
    }
  }
}
