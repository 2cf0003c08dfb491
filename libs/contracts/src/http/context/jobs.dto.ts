import { z } from 'zod';

export const jobStatusSchema = z.enum(['waiting', 'active', 'completed', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof jobStatusSchema>;
/** A job in one of these states changes no more. */
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export const listJobsQuerySchema = z.object({
  type: z.enum(['all', 'active', 'failed', 'completed', 'waiting', 'cancelled']).default('all'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListJobsQuery = z.output<typeof listJobsQuerySchema>;

export const jobIdParamSchema = z.object({ jobId: z.string().min(1).max(200) });

/** The job as every job route shows it. */
export interface JobView {
  jobId: string;
  status: JobStatus;
  result: { context_id: string; processed_documents: number } | null;
  attemptsMade: number;
  failedReason: string | null;
  createdAt: string | null;
  processedOn: string | null;
  finishedOn: string | null;
}
