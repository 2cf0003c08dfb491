import { z } from 'zod';
import { envelopeSchema } from '../envelope';
import type { ErrorBody } from '../errors';

/**
 * `accepted`: durable on the bus, not yet applied; `stored`: in the memory service's tables;
 * `completed`: and applied to the search index (added messages are searchable, deleted ones gone).
 */
export const operationStatusSchema = z.enum(['accepted', 'stored', 'completed', 'failed']);
export type OperationStatus = z.infer<typeof operationStatusSchema>;
/** An operation in one of these states changes no more. */
export const FINISHED_OPERATION_STATUSES: readonly OperationStatus[] = ['completed', 'failed'];
export type OperationKind = 'add' | 'update' | 'delete';

export interface OperationView {
  operationId: string;
  /** Null while the operation has not been consumed yet. */
  kind: OperationKind | null;
  status: OperationStatus;
  sessionId: string | null;
  messageIds: string[];
  /** Messages replaced plus messages appended. */
  updatedEntries: number;
  stored: boolean;
  indexed: boolean;
  error: ErrorBody | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** `issued`: the gateway verified the id's signature, so an operation not yet consumed is reported as accepted. */
export const operationStatusRpcSchema = envelopeSchema(z.object({ operationId: z.string().min(1), issued: z.boolean() }));

export const retrieveRequestSchema = z.object({
  query: z.string().min(1),
  limit: z.number().int().min(1).max(100),
  sessionId: z.string().min(1).optional(),
  agentId: z.string().min(1).optional(),
  occurredFrom: z.string().optional(),
  occurredTo: z.string().optional(),
});
export type RetrieveRequest = z.infer<typeof retrieveRequestSchema>;
export const retrieveRpcSchema = envelopeSchema(retrieveRequestSchema);

export interface RetrievedItem {
  /** The message id (unique within its session; the session is in `metadata.sessionId`). */
  id: string;
  text: string;
  /** Cosine similarity of the query and the message, 0..1. */
  vectorScore: number;
  /** The fused score search ranks by, 0..1. */
  finalScore: number;
  occurredAt: string | null;
  metadata: Record<string, unknown>;
}
