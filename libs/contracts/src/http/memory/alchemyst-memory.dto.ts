import { z } from 'zod';
import { identityFieldsSchema, isoDateSchema } from '../context/common';
import { MAX_MESSAGE_CHARS } from './limits';

const sessionIdSchema = z.string().trim().min(1, 'must not be empty').max(256);

/** One memory entry (seed 002): content plus optional id, role, createdAt and metadata; other fields are kept as metadata. */
export const memoryContentSchema = z
  .object({
    content: z
      .string()
      .max(MAX_MESSAGE_CHARS)
      .refine((v) => v.trim().length > 0, { message: 'must not be empty' }),
    id: z.string().min(1).max(256).optional(),
    role: z.string().min(1).max(64).optional(),
    /** The author's display name (as in chat message formats); kept as the speaker. */
    name: z.string().min(1).max(256).optional(),
    createdAt: isoDateSchema.optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .catchall(z.unknown());
export type MemoryContent = z.output<typeof memoryContentSchema>;

/** Seed 002 names the session `sessionId`; `@alchemystai/sdk` 0.8.1 sends `memoryId`. Either will do; both must agree. */
const sessionFields = identityFieldsSchema.extend({ sessionId: sessionIdSchema.optional(), memoryId: sessionIdSchema.optional() });

const withSessionId = <T extends { sessionId?: string; memoryId?: string }>(body: T, ctx: z.RefinementCtx): void => {
  if (body.sessionId === undefined && body.memoryId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['sessionId'], message: 'is required (as sessionId, or memoryId as @alchemystai/sdk sends it)' });
  } else if (body.sessionId !== undefined && body.memoryId !== undefined && body.sessionId !== body.memoryId) {
    ctx.addIssue({ code: 'custom', path: ['memoryId'], message: 'must equal sessionId when both are given' });
  }
};
const resolveSession = <T extends { sessionId?: string; memoryId?: string }>({ memoryId, ...body }: T) => ({
  ...body,
  sessionId: (body.sessionId ?? memoryId)!,
});

/** Two entries of one call with the same id would leave only the last: the call is refused instead. */
const eachIdOnce = (contents: ReadonlyArray<{ id?: string }>, ctx: z.RefinementCtx): void => {
  const firstWith = new Map<string, number>();
  contents.forEach(({ id }, i) => {
    if (id === undefined) return;
    const first = firstWith.get(id);
    if (first === undefined) firstWith.set(id, i);
    else ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `repeats contents[${first}].id: each entry of a call needs an id of its own` });
  });
};

const contentsSchema = z.array(memoryContentSchema).min(1, 'must hold at least one entry').superRefine(eachIdOnce);

export const addMemoryBodySchema = sessionFields.extend({ contents: contentsSchema }).superRefine(withSessionId).transform(resolveSession);
export const updateMemoryBodySchema = addMemoryBodySchema;
export const deleteMemoryBodySchema = sessionFields.superRefine(withSessionId).transform(resolveSession);

export type AddMemoryBody = z.output<typeof addMemoryBodySchema>;
export type UpdateMemoryBody = z.output<typeof updateMemoryBodySchema>;
export type DeleteMemoryBody = z.output<typeof deleteMemoryBodySchema>;
