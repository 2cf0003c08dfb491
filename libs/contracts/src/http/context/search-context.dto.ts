import { z } from 'zod';
import { contextTypeSchema, identityFieldsSchema, looseBooleanSchema, rangeBoundSchema, scopeSchema } from './common';

const groupNameFilter = z
  .union([z.string().min(1), z.array(z.string().min(1)).max(64)], { error: 'must be a group name, or a list of at most 64 non-empty group names' })
  .transform((v) => (Array.isArray(v) ? v : [v]));

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

type FilterPlace = 'metadata' | 'body_metadata';

/**
 * One search, one filter: where two places name the same thing differently (the top-level scope and
 * a metadata scope, metadata and body_metadata, a sessionId and a memoryId), the body is refused
 * instead of one of them being dropped without a word.
 */
function filtersAgree(body: { scope?: string; metadata?: SearchFilterInput; body_metadata?: SearchFilterInput }, ctx: z.RefinementCtx): void {
  const conflict = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const places: FilterPlace[] = ['metadata', 'body_metadata'];
  for (const place of places) {
    const filter = body[place];
    if (filter === undefined) continue;
    if (body.scope !== undefined && filter.scope !== undefined && filter.scope !== body.scope) conflict([place, 'scope'], `conflicts with scope "${body.scope}": give one, or the same`);
    if (filter.sessionId !== undefined && filter.memoryId !== undefined && filter.sessionId !== filter.memoryId) conflict([place, 'memoryId'], 'must equal sessionId when both are given');
  }
  if (body.metadata && body.body_metadata) {
    for (const key of Object.keys(body.metadata)) {
      const [a, b] = [body.metadata[key], body.body_metadata[key]];
      if (a !== undefined && b !== undefined && JSON.stringify(a) !== JSON.stringify(b)) conflict(['body_metadata', key], `conflicts with metadata.${key}: give one, or the same`);
    }
  }
}

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
export type SearchFilterInput = z.output<typeof searchFilterSchema>;
