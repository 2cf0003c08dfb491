import { z } from 'zod';
import { envelopeSchema } from '../envelope';

export const contextIndexedSchema = z.object({
  jobId: z.string(),
  contextId: z.string(),
  source: z.string(),
  documents: z.array(z.object({ documentId: z.string(), fileName: z.string().nullable(), chunkCount: z.number().int() })),
});
export type ContextIndexed = z.infer<typeof contextIndexedSchema>;
export const contextIndexedEventSchema = envelopeSchema(contextIndexedSchema);

export const contextDeletedSchema = z.object({
  jobId: z.string(),
  documentIds: z.array(z.string()),
  chunksDeleted: z.number().int().nonnegative(),
});
export type ContextDeleted = z.infer<typeof contextDeletedSchema>;
export const contextDeletedEventSchema = envelopeSchema(contextDeletedSchema);
