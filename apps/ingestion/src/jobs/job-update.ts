import type { JobUpdated } from '@recollect/contracts';
import type { JobEntity } from './job.entity';

/** A job as its update event tells it. */
export const jobUpdate = (job: JobEntity): JobUpdated => ({
  jobId: job.id,
  kind: job.kind,
  status: job.status,
  attemptsMade: job.attemptsMade,
  failedReason: job.failedReason,
});
