import { z } from 'zod';
import { contextTypeSchema, rangeBoundSchema, scopeSchema } from './common';

const groupNameFilter = z
  .union([z.string().min(1), z.array(z.string().min(1)).max(64)], { error: 'must be a group name, or a list of at most 64 non-empty group names' })
  .transform((v) => (Array.isArray(v) ? v : [v]));

const rangeSchema = z.object({ from: rangeBoundSchema.optional(), to: rangeBoundSchema.optional() }).strict();

export const searchFilterSchema = z
  .object({
    fileName: z.string().min(1).optional(),
    /** Seed 001's spelling on add; filters the same as fileName. */
    file_name: z.string().min(1).optional(),
    /** As given on add (`metadata.fileType`, or a document's `doc_type`): exact match. */
    fileType: z.string().min(1).optional(),
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

export type SearchFilterInput = z.output<typeof searchFilterSchema>;

type FilterKey = keyof typeof searchFilterSchema.shape;
const FILTER_KEYS = Object.keys(searchFilterSchema.shape) as FilterKey[];
const PLACES = ['metadata', 'body_metadata'] as const;

/** A filter's value in a form where equal filters read equal: group names as a set, range bounds in one order. */
function canonical(key: FilterKey, value: unknown): string {
  if (key === 'groupName') return JSON.stringify([...(value as string[])].sort());
  if (key === 'lastModified') {
    const { from, to } = value as { from?: string; to?: string };
    return JSON.stringify([from, to]);
  }
  return JSON.stringify(value);
}

interface FilteredBody {
  scope?: string;
  metadata?: SearchFilterInput;
  body_metadata?: SearchFilterInput;
}

/**
 * One search, one filter. The filter is `metadata` laid over `body_metadata`, plus the top-level scope;
 * where they name the same thing differently (a filter given in both places, the top-level scope and a
 * metadata one, a sessionId and a memoryId), or name both a source and a memory session, the body is
 * refused naming the second of them, instead of one being dropped without a word. Keys that are not
 * filters are ignored here, as they are by the search.
 */
export function filtersAgree(body: FilteredBody, ctx: z.RefinementCtx): void {
  const conflict = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const { metadata, body_metadata: bodyMetadata } = body;
  if (metadata && bodyMetadata) {
    for (const key of FILTER_KEYS) {
      const [a, b] = [metadata[key], bodyMetadata[key]];
      if (a !== undefined && b !== undefined && canonical(key, a) !== canonical(key, b)) conflict(['body_metadata', key], `conflicts with metadata.${key}: give one, or the same`);
    }
  }
  const merged: SearchFilterInput = { ...bodyMetadata, ...metadata };
  // Where the merged filter took `key` from, to name it in a refusal.
  const placeOf = (key: FilterKey) => PLACES.find((place) => body[place]?.[key] !== undefined) ?? 'metadata';
  if (body.scope !== undefined && merged.scope !== undefined && merged.scope !== body.scope) conflict([placeOf('scope'), 'scope'], `conflicts with scope "${body.scope}": give one, or the same`);
  if (merged.fileName !== undefined && merged.file_name !== undefined && merged.fileName !== merged.file_name) {
    conflict([placeOf('file_name'), 'file_name'], 'must equal fileName when both are given');
  }
  if (merged.sessionId !== undefined && merged.memoryId !== undefined && merged.sessionId !== merged.memoryId) {
    conflict([placeOf('memoryId'), 'memoryId'], 'must equal sessionId when both are given');
  }
  const sessionKey = merged.sessionId !== undefined ? 'sessionId' : merged.memoryId !== undefined ? 'memoryId' : undefined;
  if (sessionKey && merged.source !== undefined) conflict([placeOf(sessionKey), sessionKey], 'filter by source or by memory session, not both');
}
