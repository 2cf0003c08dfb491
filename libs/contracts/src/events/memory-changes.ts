import { z } from 'zod';
import { envelopeSchema } from '../envelope';
import { MemoryChangeTypes } from '../topics';
import { mediaKinds } from './memory-commands';

/** A media block as events describe it: by reference, never with its bytes. */
export const mediaDescriptorSchema = z.object({
  type: z.enum(mediaKinds),
  mediaType: z.string().nullable(),
  url: z.string().nullable(),
  byteSize: z.number().int().nonnegative().nullable(),
});
export type MediaDescriptor = z.infer<typeof mediaDescriptorSchema>;

/** A message next to another, as that one's context: who said it and what. */
const neighbourSchema = z.object({ authorName: z.string().nullable(), text: z.string() });
export type MessageNeighbour = z.infer<typeof neighbourSchema>;

export const storedMessageSchema = z.object({
  id: z.string().min(1),
  position: z.number().int().nonnegative(),
  role: z.string().nullable(),
  authorName: z.string().nullable(),
  occurredAt: z.iso.datetime({ offset: true }),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  metadata: z.record(z.string(), z.unknown()),
  /** What gets embedded: the text blocks, or a placeholder naming the media when there is no text. */
  text: z.string().min(1),
  media: z.array(mediaDescriptorSchema),
  /** The message was already stored before this change, so it may have chunks to overwrite or remove. */
  replaced: z.boolean(),
  /** The message just before it in the session, as context for embedding short turns and for lexical search; the end of its text, at most 2,000 characters. */
  previous: neighbourSchema.nullable(),
  /** The message just after it, as context for lexical search (the start of its text, at most 2,000 characters); absent from producers that predate it. */
  next: neighbourSchema.nullable().optional(),
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

export const messagesUpsertedSchema = z.object({
  operationId: z.string().min(1),
  sessionId: z.string().min(1),
  agentId: z.string().nullable(),
  /** The messages the change wrote, then each message right after a replaced one, sent again (`replaced`) with its new `previous`. */
  messages: z.array(storedMessageSchema).min(1),
  /**
   * Messages the change did not write whose neighbour it did (the one just before each written
   * message), with their new `previous` and `next`: only their lexical documents change, not their chunks.
   */
  contextChanged: z.array(storedMessageSchema).optional(),
});
export type MessagesUpserted = z.infer<typeof messagesUpsertedSchema>;

export const sessionDeletedSchema = z.object({
  operationId: z.string().min(1),
  sessionId: z.string().min(1),
  messageIds: z.array(z.string()),
});
export type SessionDeleted = z.infer<typeof sessionDeletedSchema>;

/**
 * The header in which the memory service numbers each change it publishes: increasing, within a
 * session, in the order the changes were stored (a decimal integer). A subscriber that applies a
 * session's changes can tell a late copy of an earlier change from a later change.
 */
export const CHANGE_SEQUENCE_HEADER = 'x-change-sequence';

/** PostgreSQL's bigint, which numbers the changes. */
const MAX_SEQUENCE = 9_223_372_036_854_775_807n;

/** The sequence in a change's headers; undefined when it has none, or not one this header can hold. */
export function changeSequenceOf(headers: Readonly<Record<string, string>> | undefined): bigint | undefined {
  const value = headers?.[CHANGE_SEQUENCE_HEADER];
  if (value === undefined || !/^\d{1,19}$/.test(value)) return undefined;
  const sequence = BigInt(value);
  return sequence <= MAX_SEQUENCE ? sequence : undefined;
}

/** Upserts and deletes share one topic so that, keyed by session, a delete is never indexed before an earlier upsert. */
export const memoryChangeSchema = z.discriminatedUnion('type', [
  envelopeSchema(messagesUpsertedSchema).extend({ type: z.literal(MemoryChangeTypes.messagesUpserted) }),
  envelopeSchema(sessionDeletedSchema).extend({ type: z.literal(MemoryChangeTypes.sessionDeleted) }),
]);
export type MemoryChange = z.infer<typeof memoryChangeSchema>;
