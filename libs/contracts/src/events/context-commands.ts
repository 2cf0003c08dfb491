import { z } from 'zod';
import { envelopeSchema } from '../envelope';
import { CommandTypes } from '../topics';

export const addContextCommandSchema = z.object({
  jobId: z.string().min(1),
  contextId: z.string().min(1),
  source: z.string().min(1),
  contextType: z.enum(['resource', 'conversation', 'instruction']),
  scope: z.enum(['internal', 'external']),
  chained: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
  documents: z
    .array(z.object({ content: z.string().min(1), metadata: z.record(z.string(), z.unknown()) }))
    .min(1),
});
export type AddContextCommand = z.infer<typeof addContextCommandSchema>;

export const deleteContextCommandSchema = z.object({
  jobId: z.string().min(1),
  /** A source name (or file name); with `byId`, a context_id or document id. */
  target: z.string().min(1),
  byId: z.boolean(),
});
export type DeleteContextCommand = z.infer<typeof deleteContextCommandSchema>;

export const contextCommandSchema = z.discriminatedUnion('type', [
  envelopeSchema(addContextCommandSchema).extend({ type: z.literal(CommandTypes.addContext) }),
  envelopeSchema(deleteContextCommandSchema).extend({ type: z.literal(CommandTypes.deleteContext) }),
]);
export type ContextCommand = z.infer<typeof contextCommandSchema>;
