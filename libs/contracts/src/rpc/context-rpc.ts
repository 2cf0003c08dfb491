import { z } from 'zod';
import { envelopeSchema } from '../envelope';
import { listJobsQuerySchema } from '../http/context/jobs.dto';

/** Search as the query service receives it: parsed, with the filter already in domain terms. */
export const searchRequestSchema = z.object({
  query: z.string().min(1),
  minScore: z.number().min(0).max(1),
  maxScore: z.number().min(0).max(1),
  limit: z.number().int().min(1).max(100),
  mode: z.enum(['fast', 'standard']),
  /** `document`: each document once, by its best chunk. Older senders omit it. */
  groupBy: z.enum(['document', 'chunk']).default('document'),
  filter: z.object({
    fileName: z.string().optional(),
    fileType: z.string().optional(),
    groupName: z.array(z.string()).optional(),
    source: z.string().optional(),
    contextType: z.string().optional(),
    scope: z.string().optional(),
    lastModifiedFrom: z.string().optional(),
    lastModifiedTo: z.string().optional(),
  }),
});
export type SearchRequest = z.input<typeof searchRequestSchema>;
export const searchRpcSchema = envelopeSchema(searchRequestSchema);

export interface SearchHit {
  contextId: string;
  documentId: string;
  chunkId: string;
  content: string;
  score: number;
  createdAt: string;
  updatedAt: string;
  metadata: Record<string, unknown>;
}

export const viewRequestSchema = z.object({
  fileName: z.string().optional(),
  limit: z.number().int().min(1).max(1000),
  offset: z.number().int().min(0),
});
export const viewRpcSchema = envelopeSchema(viewRequestSchema);
export const viewDocsRpcSchema = envelopeSchema(z.object({}));

export interface ContextNode {
  _id: string;
  user_id: string;
  organization_id: string | null;
  parent_context_nodes: string[];
  children_context_nodes: string[];
  context_type: string;
  tags: string[];
  source: string;
  content: string;
  blob: null;
  indexed: boolean;
  indexable: boolean;
  governing_policies: null;
  override_policy: boolean;
  telemetry_data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  scopes: string[];
  metadata: Record<string, unknown>;
  corresponding_vector_id: string;
  text: string;
  score: number;
}

export interface DocumentListing {
  fileName: string | null;
  fileType: string | null;
  groupName: string[];
  lastModified: string | null;
  fileSize: number | null;
  source: string;
  contextId: string;
  chunkCount: number;
}

export const fileExistsRpcSchema = envelopeSchema(z.object({ fileNames: z.array(z.string()).min(1) }));
/** `issued`: the gateway verified the id's signature, so a job not yet consumed is reported as waiting. */
export const jobStatusRpcSchema = envelopeSchema(z.object({ jobId: z.string().min(1), issued: z.boolean() }));
export const jobCancelRpcSchema = jobStatusRpcSchema;
export const jobListRpcSchema = envelopeSchema(listJobsQuerySchema);
