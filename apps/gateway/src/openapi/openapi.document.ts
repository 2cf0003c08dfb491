import { z } from 'zod';
import {
  addContextBodySchema,
  addContextSyncBodySchema,
  addMemoryBodySchema,
  addMessageBodySchema,
  deleteContextBodySchema,
  deleteMemoryBodySchema,
  listJobsQuerySchema,
  retrieveMemoryBodySchema,
  searchContextBodySchema,
  searchContextQuerySchema,
  updateMemoryBodySchema,
  viewContextQuerySchema,
} from '@recollect/contracts';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const queryParameters = (schema: z.ZodObject) =>
  Object.entries(json(schema).properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: false, schema: property }));

const errors = {
  400: errorResponse('Malformed input; the message names each bad field and rule'),
  401: errorResponse('Missing or invalid bearer token'),
  403: errorResponse('user_id or organization_id does not match the token'),
  429: errorResponse('Per-tenant rate limit exceeded'),
  503: errorResponse('The bus could not take the command; nothing was accepted'),
  504: errorResponse('No answer within the deadline'),
};

const memindError = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/MemindError' } } },
});

const memindErrors = {
  400: memindError('Malformed input (wrong role, empty content, unknown block type, bad base64, …); the message names each bad field'),
  401: memindError('Missing or invalid bearer token (unless MEMIND_AUTH=none)'),
  403: memindError('userId does not match the token'),
  429: memindError('Per-tenant rate limit exceeded'),
  503: memindError('The bus could not take the command; nothing was accepted'),
  504: memindError('No answer within the deadline'),
};

const operationIdParameter = { name: 'operationId', in: 'path', required: true, schema: { type: 'string' } };

const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: json(schema) } } });
const ok = (description: string, schema: object = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });

/** The OpenAPI document, generated from the same schemas that validate requests. */
export function buildOpenApiDocument(version: string) {
  return {
    openapi: '3.0.3',
    info: { title: 'Recollect: context and memory for AI agents', version, description: "Wire-compatible with the Alchemyst AI v1 Context API and Memind's memory API." },
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['success', 'status', 'message', 'error'],
          properties: {
            success: { type: 'boolean', example: false },
            status: { type: 'integer' },
            message: { type: 'string' },
            error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } },
          },
        },
        MemindError: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
      },
    },
    security: [{ bearerAuth: [] }],
    paths: {
      '/api/v1/context/add': {
        post: { summary: 'Add documents and wait until they are searchable', requestBody: body(addContextSyncBodySchema), responses: { 201: ok('Indexed'), 409: errorResponse('fileName already exists'), 413: errorResponse('Over 50 MiB of body, 100 documents, or 16 KiB of metadata as JSON'), ...errors } },
      },
      '/api/v1/context/add-async': {
        post: { summary: 'Queue documents for indexing', requestBody: body(addContextBodySchema), responses: { 201: ok('Queued durably'), 409: errorResponse('fileName already exists'), 413: errorResponse('Over 50 MiB of body, 100 documents, or 16 KiB of metadata as JSON'), ...errors } },
      },
      '/api/v1/context/add-async/{jobId}/status': {
        get: { summary: 'One job', parameters: [{ name: 'jobId', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('The job'), 404: errorResponse('Unknown job'), ...errors } },
      },
      '/api/v1/context/add-async/status': {
        get: { summary: 'List jobs', parameters: queryParameters(listJobsQuerySchema), responses: { 200: ok('Jobs'), ...errors } },
      },
      '/api/v1/context/add-async/{jobId}/cancel': {
        delete: { summary: 'Cancel a waiting job', parameters: [{ name: 'jobId', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('Cancelled'), 404: errorResponse('Finished or unknown'), 409: errorResponse('Running'), ...errors } },
      },
      '/api/v1/context/search': {
        post: { summary: 'Search by meaning', parameters: queryParameters(searchContextQuerySchema), requestBody: body(searchContextBodySchema), responses: { 202: ok('Results'), ...errors } },
      },
      '/api/v1/context/delete': {
        post: { summary: 'Delete by source (or by context id)', requestBody: body(deleteContextBodySchema), responses: { 204: { description: 'Gone from search' }, ...errors } },
      },
      '/api/v1/context/view': {
        get: { summary: 'The stored context nodes', parameters: queryParameters(viewContextQuerySchema), responses: { 200: ok('Context nodes'), ...errors } },
      },
      '/api/v1/context/view/docs': { get: { summary: 'The stored documents', responses: { 200: ok('Documents'), ...errors } } },
      '/api/v1/context/memory/add': {
        post: {
          summary: 'Add messages to a memory session (sessionId, or memoryId as @alchemystai/sdk sends it); answers once they are searchable',
          requestBody: body(addMemoryBodySchema),
          responses: { 201: ok('Stored and indexed: {success, context_id}'), 413: errorResponse('Over 1000 entries'), ...errors },
        },
      },
      '/api/v1/context/memory/update': {
        post: {
          summary: 'Upsert messages by id into an existing session: existing ids replaced, new ones appended',
          requestBody: body(updateMemoryBodySchema),
          responses: { 200: ok('{success, memory_id, updated_entries}'), 404: errorResponse('Unknown session'), 413: errorResponse('Over 1000 entries'), ...errors },
        },
      },
      '/api/v1/context/memory/delete': {
        post: { summary: 'Delete a memory session and every message of it', requestBody: body(deleteMemoryBodySchema), responses: { 204: { description: 'Gone from search' }, ...errors } },
      },
      '/open/v1/memory/async/add-message': {
        post: {
          summary: 'Memind: add one message (text, image, audio, video blocks); answers once it is durable',
          requestBody: body(addMessageBodySchema),
          responses: { 202: ok('{data: {operationId, status: "accepted", mode: "async"}}'), 413: memindError('Inline media over 10 MB'), ...memindErrors },
        },
      },
      '/open/v1/memory/sync/add-message': {
        post: {
          summary: 'Memind: add one message and wait until it is stored and searchable',
          requestBody: body(addMessageBodySchema),
          responses: { 200: ok('{data: {operationId, status, mode: "sync", sessionId, messageId}}'), 413: memindError('Inline media over 10 MB'), ...memindErrors },
        },
      },
      '/open/v1/memory/retrieve': {
        post: {
          summary: 'Memind: retrieve memory messages by meaning, optionally by agent, session and time range',
          requestBody: body(retrieveMemoryBodySchema),
          responses: { 200: ok('{data: {items: [{id, text, vectorScore, finalScore, occurredAt, metadata}]}}'), ...memindErrors },
        },
      },
      '/open/v1/operations/{operationId}': {
        get: {
          summary: 'A memory operation: accepted, stored, completed (indexed) or failed; an issued id is never 404',
          parameters: [operationIdParameter],
          responses: { 200: ok('{data: {operationId, kind, status, sessionId, messageIds, stored, indexed, error}}'), 404: memindError('Unknown operation'), ...memindErrors },
        },
      },
      '/health/live': { get: { summary: 'Liveness', security: [], responses: { 200: ok('Alive') } } },
      '/health/ready': { get: { summary: 'Readiness', security: [], responses: { 200: ok('Ready'), 503: ok('Not ready') } } },
    },
  };
}
