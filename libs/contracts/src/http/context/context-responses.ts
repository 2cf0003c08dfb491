import { z } from 'zod';
import { jobStatusSchema } from './jobs.dto';

/** What the context routes answer on success: the OpenAPI document shows these, and the end-to-end tests hold real answers to them. */

const timestamp = z.iso.datetime();

export const addContextResponseSchema = z.object({ success: z.literal(true), context_id: z.string(), processed_documents: z.number().int() });

/** Seed 000: `required: [queued, jobId]`. */
export const addContextAsyncResponseSchema = z.object({ queued: z.literal(true), jobId: z.string() });

const jobFields = z.object({
  jobId: z.string(),
  status: jobStatusSchema,
  /** Set once an add job completed. */
  result: z.object({ context_id: z.string(), processed_documents: z.number().int() }).nullable(),
  attemptsMade: z.number().int(),
  failedReason: z.string().nullable(),
  processedOn: timestamp.nullable(),
  finishedOn: timestamp.nullable(),
});

export const jobStatusResponseSchema = jobFields.extend({ success: z.literal(true) });
export const jobListResponseSchema = z.object({ success: z.literal(true), jobs: z.array(jobFields) });
export const jobCancelResponseSchema = z.object({ status: z.literal('cancelled') });

export const searchContextResponseSchema = z.object({
  results: z.array(z.object({ contextId: z.string(), contextData: z.string() })),
  contexts: z.array(
    z.object({
      content: z.string(),
      score: z.number().min(0).max(1),
      createdAt: timestamp,
      updatedAt: timestamp,
      /** With `?metadata=true` only. */
      metadata: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

/** One chunk as a context node, in the shape of seed 001's view. */
export const contextNodeSchema = z.object({
  _id: z.string(),
  user_id: z.string(),
  organization_id: z.string().nullable(),
  parent_context_nodes: z.array(z.string()),
  children_context_nodes: z.array(z.string()),
  context_type: z.string(),
  tags: z.array(z.string()),
  source: z.string(),
  content: z.string(),
  blob: z.null(),
  indexed: z.boolean(),
  indexable: z.boolean(),
  governing_policies: z.null(),
  override_policy: z.boolean(),
  telemetry_data: z.record(z.string(), z.unknown()),
  createdAt: timestamp,
  updatedAt: timestamp,
  scopes: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  corresponding_vector_id: z.string(),
  text: z.string(),
  score: z.number(),
});

export const viewContextResponseSchema = z.object({
  success: z.literal(true),
  context: z.array(contextNodeSchema),
  contexts: z.array(z.object({ content: z.string(), metadata: z.record(z.string(), z.unknown()) })),
});

export const viewDocsResponseSchema = z.object({
  success: z.literal(true),
  documents: z.array(
    z.object({
      fileName: z.string().nullable(),
      fileType: z.string().nullable(),
      groupName: z.array(z.string()),
      lastModified: timestamp.nullable(),
      fileSize: z.number().nullable(),
      source: z.string(),
      contextId: z.string(),
      chunkCount: z.number().int(),
    }),
  ),
});

export type AddContextResponse = z.infer<typeof addContextResponseSchema>;
export type AddContextAsyncResponse = z.infer<typeof addContextAsyncResponseSchema>;
export type JobStatusResponse = z.infer<typeof jobStatusResponseSchema>;
export type JobListResponse = z.infer<typeof jobListResponseSchema>;
export type JobCancelResponse = z.infer<typeof jobCancelResponseSchema>;
export type SearchContextResponse = z.infer<typeof searchContextResponseSchema>;
export type ViewContextResponse = z.infer<typeof viewContextResponseSchema>;
export type ViewDocsResponse = z.infer<typeof viewDocsResponseSchema>;
