import { z } from 'zod';
import { identityFieldsSchema, looseBooleanSchema } from './common';

export const deleteContextBodySchema = identityFieldsSchema
  .extend({
    source: z.string().min(1).max(1024).optional(),
    /** Deletes the documents added under `source` (the default). */
    by_doc: looseBooleanSchema.nullish(),
    /** Treats `source` as a context_id (a document id) instead. */
    by_id: looseBooleanSchema.nullish(),
  })
  .refine((b) => b.source !== undefined, { message: 'is required: name the source (or context_id with by_id) to delete', path: ['source'] });

export type DeleteContextBody = z.output<typeof deleteContextBodySchema>;
