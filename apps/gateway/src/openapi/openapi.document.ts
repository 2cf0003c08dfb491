import { z } from 'zod';
import {
  addContextAsyncResponseSchema,
  addContextBodySchema,
  addContextResponseSchema,
  addContextSyncBodySchema,
  addMemoryBodySchema,
  addMemoryResponseSchema,
  addMessageAcceptedResponseSchema,
  addMessageBodySchema,
  addMessageSyncResponseSchema,
  deleteContextBodySchema,
  deleteMemoryBodySchema,
  jobCancelResponseSchema,
  jobListResponseSchema,
  jobStatusResponseSchema,
  listJobsQuerySchema,
  memindTenantQuerySchema,
  operationResponseSchema,
  retrieveMemoryBodySchema,
  retrieveMemoryResponseSchema,
  searchContextBodySchema,
  searchContextQuerySchema,
  searchContextResponseSchema,
  updateMemoryBodySchema,
  updateMemoryResponseSchema,
  viewContextQuerySchema,
  viewContextResponseSchema,
  viewDocsResponseSchema,
} from '@recollect/contracts';
import { body, errorSchemas, errors, memindErrors, memindRefusal, ok, pathParameter, queryParameters, refusal } from './openapi-parts';

const TOO_LARGE = 'Over 50 MiB of body, 100 documents, or 16 KiB of metadata as JSON';
const SESSION = { oneOfRequired: ['sessionId', 'memoryId'] };
const TOO_MANY_ENTRIES = "Over 1000 entries, or an entry's metadata and other fields over 16 KiB as JSON";
const TOO_LARGE_MESSAGE = 'Inline media over 10 MB, or the metadata (body and message together) over 16 KiB as JSON';
const live = z.object({ status: z.literal('ok') });
const ready = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.boolean()) });

export interface OpenApiOptions {
  version: string;
  /** `none`: the Memind routes take no token (MEMIND_AUTH=none), and the document says so. */
  memindAuth: 'bearer' | 'none';
}

/**
 * The OpenAPI document, generated from the same schemas that validate requests and type the answers.
 * Operation ids are those of the API documents this service is compatible with, where they name one.
 */
export function buildOpenApiDocument({ version, memindAuth }: OpenApiOptions) {
  const memindSecurity = memindAuth === 'none' ? [] : [{ bearerAuth: [] }];
  return {
    openapi: '3.0.3',
    info: { title: 'Recollect: context and memory for AI agents', version, description: "Wire-compatible with the Alchemyst AI v1 Context API and Memind's memory API." },
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: errorSchemas,
    },
    security: [{ bearerAuth: [] }],
    paths: {
      '/api/v1/context/add': {
        post: {
          operationId: 'addContext',
          summary: 'Add documents and wait until they are searchable',
          requestBody: body(addContextSyncBodySchema),
          responses: { 201: ok('Indexed', addContextResponseSchema), 409: refusal('fileName already exists'), 413: refusal(TOO_LARGE), ...errors },
        },
      },
      '/api/v1/context/add-async': {
        post: {
          operationId: 'addContextAsync',
          summary: 'Queue documents for indexing',
          requestBody: body(addContextBodySchema),
          responses: { 201: ok('Queued durably', addContextAsyncResponseSchema), 409: refusal('fileName already exists'), 413: refusal(TOO_LARGE), ...errors },
        },
      },
      '/api/v1/context/add-async/{jobId}/status': {
        get: {
          operationId: 'getContextJob',
          summary: 'One job',
          parameters: [pathParameter('jobId')],
          responses: { 200: ok('The job', jobStatusResponseSchema), 404: refusal('Unknown job'), ...errors },
        },
      },
      '/api/v1/context/add-async/status': {
        get: { operationId: 'listContextJobs', summary: 'List jobs', parameters: queryParameters(listJobsQuerySchema), responses: { 200: ok('Jobs', jobListResponseSchema), ...errors } },
      },
      '/api/v1/context/add-async/{jobId}/cancel': {
        delete: {
          operationId: 'cancelContextJob',
          summary: 'Cancel a waiting job',
          parameters: [pathParameter('jobId')],
          responses: { 200: ok('Cancelled', jobCancelResponseSchema), 404: refusal('Finished or unknown'), 409: refusal('Running'), ...errors },
        },
      },
      '/api/v1/context/search': {
        post: {
          operationId: 'searchContext',
          summary: 'Search by meaning',
          parameters: queryParameters(searchContextQuerySchema),
          requestBody: body(searchContextBodySchema),
          responses: { 202: ok('Results', searchContextResponseSchema), ...errors },
        },
      },
      '/api/v1/context/delete': {
        post: {
          operationId: 'deleteContext',
          summary: 'Delete by source (or by context id)',
          requestBody: body(deleteContextBodySchema, { required: ['source'] }),
          responses: { 204: { description: 'Gone from search' }, ...errors },
        },
      },
      '/api/v1/context/view': {
        get: { operationId: 'viewContext', summary: 'The stored context nodes', parameters: queryParameters(viewContextQuerySchema), responses: { 200: ok('Context nodes', viewContextResponseSchema), ...errors } },
      },
      '/api/v1/context/view/docs': { get: { operationId: 'viewDocuments', summary: 'The stored documents', responses: { 200: ok('Documents', viewDocsResponseSchema), ...errors } } },
      '/api/v1/context/memory/add': {
        post: {
          operationId: 'addContextAsMemory',
          summary: 'Add messages to a memory session (sessionId, or memoryId as @alchemystai/sdk sends it); answers once they are searchable',
          requestBody: body(addMemoryBodySchema, SESSION),
          responses: { 201: ok('Stored and indexed; context_id is the session', addMemoryResponseSchema), 413: refusal(TOO_MANY_ENTRIES), ...errors },
        },
      },
      '/api/v1/context/memory/update': {
        post: {
          operationId: 'updateContextAsMemory',
          summary: 'Upsert messages by id into an existing session: existing ids replaced, new ones appended',
          requestBody: body(updateMemoryBodySchema, SESSION),
          responses: { 200: ok('Updated', updateMemoryResponseSchema), 404: refusal('Unknown session'), 413: refusal(TOO_MANY_ENTRIES), ...errors },
        },
      },
      '/api/v1/context/memory/delete': {
        post: {
          operationId: 'deleteContextMemory',
          summary: 'Delete a memory session and every message of it',
          requestBody: body(deleteMemoryBodySchema, SESSION),
          responses: { 204: { description: 'Gone from search' }, ...errors },
        },
      },
      '/open/v1/memory/async/add-message': {
        post: {
          operationId: 'addMessageAsync',
          summary: 'Memind: add one message (text, image, audio, video blocks); answers once it is durable',
          security: memindSecurity,
          requestBody: body(addMessageBodySchema),
          responses: { 202: ok('Accepted', addMessageAcceptedResponseSchema), 413: memindRefusal(TOO_LARGE_MESSAGE), ...memindErrors },
        },
      },
      '/open/v1/memory/add-message': {
        post: {
          operationId: 'addMessage',
          summary: "Memind: the async add-message, under the path Memind's own clients call",
          security: memindSecurity,
          requestBody: body(addMessageBodySchema),
          responses: { 202: ok('Accepted', addMessageAcceptedResponseSchema), 413: memindRefusal(TOO_LARGE_MESSAGE), ...memindErrors },
        },
      },
      '/open/v1/memory/sync/add-message': {
        post: {
          operationId: 'addMessageSync',
          summary: 'Memind: add one message and wait until it is stored and searchable',
          security: memindSecurity,
          requestBody: body(addMessageBodySchema),
          responses: { 200: ok('Stored and indexed', addMessageSyncResponseSchema), 413: memindRefusal(TOO_LARGE_MESSAGE), ...memindErrors },
        },
      },
      '/open/v1/memory/retrieve': {
        post: {
          operationId: 'retrieveMemory',
          summary: 'Memind: retrieve memory messages by meaning, optionally by agent, session and time range',
          security: memindSecurity,
          requestBody: body(retrieveMemoryBodySchema),
          responses: { 200: ok('Messages, best first', retrieveMemoryResponseSchema), ...memindErrors },
        },
      },
      '/open/v1/operations/{operationId}': {
        get: {
          operationId: 'getMemoryOperation',
          summary: 'A memory operation: accepted, stored, completed (indexed) or failed; an issued id is never 404',
          security: memindSecurity,
          // Without a token (MEMIND_AUTH=none), the query names the tenant, as the body does on the other routes.
          parameters: [pathParameter('operationId'), ...(memindAuth === 'none' ? queryParameters(memindTenantQuerySchema) : [])],
          responses: { 200: ok('The operation', operationResponseSchema), 404: memindRefusal('Unknown operation'), ...memindErrors },
        },
      },
      '/health/live': { get: { operationId: 'live', summary: 'Liveness', security: [], responses: { 200: ok('Alive', live) } } },
      '/health/ready': { get: { operationId: 'ready', summary: 'Readiness', security: [], responses: { 200: ok('Ready', ready), 503: ok('Not ready', ready) } } },
    },
  };
}
