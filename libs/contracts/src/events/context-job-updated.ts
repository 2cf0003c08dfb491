import { z } from 'zod';
import { envelopeSchema } from '../envelope';
import { jobStatusSchema } from '../http/context/jobs.dto';

export const jobUpdatedSchema = z.object({
  jobId: z.string(),
  kind: z.enum(['add', 'delete']),
  status: jobStatusSchema,
  attemptsMade: z.number().int().nonnegative(),
  failedReason: z.string().nullable(),
});
export type JobUpdated = z.infer<typeof jobUpdatedSchema>;
export const jobUpdatedEventSchema = envelopeSchema(jobUpdatedSchema);
