import { z } from 'zod';
import { envelopeSchema } from '../envelope';
import { ErrorCode } from '../errors';

export const memoryIndexedSchema = z.object({
  operationId: z.string().min(1),
  sessionId: z.string().min(1),
  change: z.enum(['upserted', 'deleted']),
  messageIds: z.array(z.string()),
  chunksWritten: z.number().int().nonnegative(),
  chunksDeleted: z.number().int().nonnegative(),
  /** Set when ingestion gave up on the change (it is then dead-lettered); the operation fails with it. */
  failure: z.object({ code: z.enum(ErrorCode), message: z.string() }).nullable(),
});
export type MemoryIndexed = z.infer<typeof memoryIndexedSchema>;
export const memoryIndexedEventSchema = envelopeSchema(memoryIndexedSchema);
