import { z } from 'zod';
import { identityFieldsSchema, looseBooleanSchema, scopeSchema } from './common';
import { filtersAgree, searchFilterSchema } from './search-filters';

const similarity = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

export const searchContextBodySchema = identityFieldsSchema
  .extend({
    query: z.string().trim().min(1, 'must not be empty').max(10_000),
    // Both required, as in the API this one is wire-compatible with ("400: invalid or missing search parameters").
    similarity_threshold: similarity,
    minimum_similarity_threshold: similarity,
    /** Internal context unless told otherwise, here or as `metadata.scope` (applied where the filter is built). */
    scope: scopeSchema.optional().meta({ default: 'internal' }),
    metadata: searchFilterSchema.optional(),
    /** What `@alchemystai/sdk` calls the body's metadata, since its `metadata` is a query flag. */
    body_metadata: searchFilterSchema.optional(),
    limit: z.number().int().min(1).max(100).default(10),
  })
  .refine((b) => b.minimum_similarity_threshold <= b.similarity_threshold, {
    message: 'minimum_similarity_threshold must not exceed similarity_threshold',
    path: ['minimum_similarity_threshold'],
  })
  .superRefine(filtersAgree);

export const searchContextQuerySchema = z.object({
  metadata: looseBooleanSchema.default(false),
  mode: z.enum(['fast', 'standard']).default('standard'),
  /** Extension: `chunk` answers every matching chunk instead of each document once, by its best chunk. */
  group_by: z.enum(['document', 'chunk']).default('document'),
});

export type SearchContextBody = z.output<typeof searchContextBodySchema>;
