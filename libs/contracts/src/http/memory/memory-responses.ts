import { z } from 'zod';
import { ErrorCode } from '../../errors';
import { operationStatusSchema } from '../../rpc/memory-rpc';

/** What the memory routes answer on success: the OpenAPI document shows these, and the end-to-end tests hold real answers to them. */

const timestamp = z.iso.datetime();

/** `context_id` is the session. */
export const addMemoryResponseSchema = z.object({ success: z.literal(true), context_id: z.string() });

/** Seed 002's MemoryUpdateSuccess. */
export const updateMemoryResponseSchema = z.object({ success: z.literal(true), memory_id: z.string(), updated_entries: z.number().int() });

/** Seed 003's SuccessResultOperationAccepted. */
export const addMessageAcceptedResponseSchema = z.object({
  data: z.object({ operationId: z.string(), status: z.literal('accepted'), mode: z.literal('async') }),
});

export const addMessageSyncResponseSchema = z.object({
  data: z.object({
    operationId: z.string(),
    status: operationStatusSchema,
    mode: z.literal('sync'),
    sessionId: z.string().nullable(),
    messageId: z.string().nullable(),
  }),
});

export const retrieveMemoryResponseSchema = z.object({
  data: z.object({
    status: z.literal('success'),
    items: z.array(
      z.object({
        /** The message id, unique within its session (`metadata.sessionId`). */
        id: z.string(),
        text: z.string(),
        vectorScore: z.number().min(0).max(1),
        finalScore: z.number().min(0).max(1),
        occurredAt: timestamp.nullable(),
        metadata: z.record(z.string(), z.unknown()),
      }),
    ),
    insights: z.array(z.unknown()),
    rawData: z.array(z.unknown()),
    evidences: z.array(z.unknown()),
    strategy: z.enum(['SIMPLE', 'DEEP']),
    query: z.string(),
  }),
});

export const operationResponseSchema = z.object({
  data: z.object({
    operationId: z.string(),
    /** Null until the operation is consumed. */
    kind: z.enum(['add', 'update', 'delete']).nullable(),
    status: operationStatusSchema,
    sessionId: z.string().nullable(),
    messageIds: z.array(z.string()),
    updatedEntries: z.number().int(),
    stored: z.boolean(),
    indexed: z.boolean(),
    error: z.object({ code: z.enum(ErrorCode), message: z.string(), details: z.unknown().optional() }).nullable(),
    createdAt: timestamp.nullable(),
    updatedAt: timestamp.nullable(),
  }),
});

export type AddMemoryResponse = z.infer<typeof addMemoryResponseSchema>;
export type UpdateMemoryResponse = z.infer<typeof updateMemoryResponseSchema>;
export type AddMessageAcceptedResponse = z.infer<typeof addMessageAcceptedResponseSchema>;
export type AddMessageSyncResponse = z.infer<typeof addMessageSyncResponseSchema>;
export type RetrieveMemoryResponse = z.infer<typeof retrieveMemoryResponseSchema>;
export type OperationResponse = z.infer<typeof operationResponseSchema>;
