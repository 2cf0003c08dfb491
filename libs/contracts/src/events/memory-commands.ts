import { z } from 'zod';
import { envelopeSchema } from '../envelope';
import { MemoryCommandTypes } from '../topics';

export const mediaKinds = ['image', 'audio', 'video'] as const;
export type MediaKind = (typeof mediaKinds)[number];

export const mediaSourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('base64'), mediaType: z.string().min(1), data: z.string().min(1) }),
  z.object({ type: z.literal('url'), url: z.string().min(1) }),
]);
export type MediaSource = z.infer<typeof mediaSourceSchema>;

export const messageBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1) }),
  z.object({ type: z.enum(mediaKinds), source: mediaSourceSchema }),
]);
export type MessageBlock = z.infer<typeof messageBlockSchema>;

/** One message as a command carries it: the caller's content, normalised across the two APIs. */
export const memoryMessageInputSchema = z.object({
  /** The caller's id; when null the memory service derives one from the operation id and position. */
  id: z.string().min(1).nullable(),
  /** Lower case: `user`, `assistant`, or whatever an Alchemyst client sent. */
  role: z.string().min(1).nullable(),
  authorName: z.string().min(1).nullable(),
  /** ISO 8601; when null the time it was stored. */
  occurredAt: z.iso.datetime({ offset: true }).nullable(),
  metadata: z.record(z.string(), z.unknown()),
  blocks: z.array(messageBlockSchema).min(1),
});
export type MemoryMessageInput = z.infer<typeof memoryMessageInputSchema>;

const operation = { operationId: z.string().min(1), sessionId: z.string().min(1) };

/** Creates the session if needed; messages whose id the session already holds are replaced. */
export const addMemoryCommandSchema = z.object({
  ...operation,
  agentId: z.string().min(1).nullable(),
  messages: z.array(memoryMessageInputSchema).min(1),
});
export type AddMemoryCommand = z.infer<typeof addMemoryCommandSchema>;

/** Upserts by message id into an existing session; an unknown session fails the operation with NOT_FOUND. */
export const updateMemoryCommandSchema = z.object({ ...operation, messages: z.array(memoryMessageInputSchema).min(1) });
export type UpdateMemoryCommand = z.infer<typeof updateMemoryCommandSchema>;

/** Removes the session and every message of it; deleting an unknown session succeeds (idempotent). */
export const deleteMemoryCommandSchema = z.object(operation);
export type DeleteMemoryCommand = z.infer<typeof deleteMemoryCommandSchema>;

export const memoryCommandSchema = z.discriminatedUnion('type', [
  envelopeSchema(addMemoryCommandSchema).extend({ type: z.literal(MemoryCommandTypes.add) }),
  envelopeSchema(updateMemoryCommandSchema).extend({ type: z.literal(MemoryCommandTypes.update) }),
  envelopeSchema(deleteMemoryCommandSchema).extend({ type: z.literal(MemoryCommandTypes.delete) }),
]);
export type MemoryCommand = z.infer<typeof memoryCommandSchema>;
