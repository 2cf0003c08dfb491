import { z } from 'zod';
import { MEMORY_SOURCE_PREFIX } from '../../memory-index';
import { identityFieldsSchema, looseBooleanSchema } from './common';

/**
 * A memory session's messages (`memory:<sessionId>`) are deleted with the session, on the memory
 * routes: removed from search alone, the memory service would still hold them, and the session's
 * next change would index them again.
 */
const deletableSourceSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((source) => !source.startsWith(MEMORY_SOURCE_PREFIX), {
    message: `must not start with "${MEMORY_SOURCE_PREFIX}", which names a memory session: delete it with POST /api/v1/context/memory/delete`,
  });

export const deleteContextBodySchema = identityFieldsSchema
  .extend({
    source: deletableSourceSchema.optional(),
    /** Deletes the documents added under `source` (the default). */
    by_doc: looseBooleanSchema.nullish(),
    /** Treats `source` as a context_id (a document id) instead. */
    by_id: looseBooleanSchema.nullish(),
  })
  .refine((b) => b.source !== undefined, { message: 'is required: name the source (or context_id with by_id) to delete', path: ['source'] });

export type DeleteContextBody = z.output<typeof deleteContextBodySchema>;
