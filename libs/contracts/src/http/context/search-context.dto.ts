import { z } from 'zod';
import { contextTypeSchema, identityFieldsSchema, looseBooleanSchema, rangeBoundSchema, scopeSchema } from './common';

const groupNameFilter = z.union([z.string().min(1), z.array(z.string().min(1)).max(64)]).transform((v) => (Array.isArray(v) ? v : [v]));

const rangeSchema = z.object({ from: rangeBoundSchema.optional(), to: rangeBoundSchema.optional() }).strict();

export const searchFilterSchema = z
  .object({
    fileName: z.string().min(1).optional(),
    groupName: groupNameFilter.optional(),
    source: z.string().min(1).optional(),
    context_type: contextTypeSchema.optional(),
    scope: scopeSchema.optional(),
    lastModified: rangeSchema.optional(),
    /** A memory session's messages only (`memoryId` is what @alchemystai/sdk calls it). */
    sessionId: z.string().min(1).optional(),
    memoryId: z.string().min(1).optional(),
  })
  .catchall(z.unknown());

const similarity = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

export const searchContextBodySchema = identityFieldsSchema
  .extend({
    query: z.string().trim().min(1, 'must not be empty').max(10_000),
    // Both required, as in the API this one is wire-compatible with ("400: invalid or missing search parameters").
    similarity_threshold: similarity,
    minimum_similarity_threshold: similarity,
    /** Searches internal context unless told otherwise; `metadata.scope` takes precedence. */
    scope: scopeSchema.default('internal'),
    metadata: searchFilterSchema.optional(),
    /** What `@alchemystai/sdk` calls the body's metadata, since its `metadata` is a query flag. */
    body_metadata: searchFilterSchema.optional(),
    limit: z.number().int().min(1).max(100).default(10),
  })
  .refine((b) => b.minimum_similarity_threshold <= b.similarity_threshold, {
    message: 'minimum_similarity_threshold must not exceed similarity_threshold',
    path: ['minimum_similarity_threshold'],
  });

export const searchContextQuerySchema = z.object({
  metadata: looseBooleanSchema.default(false),
  mode: z.enum(['fast', 'standard']).default('standard'),
  /** Extension: `chunk` answers every matching chunk instead of each document once, by its best chunk. */
  group_by: z.enum(['document', 'chunk']).default('document'),
});

export type SearchContextBody = z.output<typeof searchContextBodySchema>;
export type SearchFilterInput = z.output<typeof searchFilterSchema>;
