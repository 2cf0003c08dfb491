import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** A request schema as a client must send it, or a response schema as the service answers it. */
const json = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;

/**
 * Rules a refinement enforces can't be read off a zod schema, so the body schema would show those
 * fields optional: `required` names fields the service refuses a body without, `oneOfRequired`
 * alternatives of which one must be present.
 */
export interface BodyRules {
  required?: string[];
  oneOfRequired?: string[];
}

export function body(schema: z.ZodType, rules: BodyRules = {}) {
  const document = json(schema, 'input');
  if (rules.required) document.required = [...new Set([...((document.required as string[] | undefined) ?? []), ...rules.required])];
  if (rules.oneOfRequired) document.anyOf = rules.oneOfRequired.map((field) => ({ required: [field] }));
  return { required: true, content: { 'application/json': { schema: document } } };
}

export const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema: json(schema, 'output') } } });

export const queryParameters = (schema: z.ZodObject) =>
  Object.entries((json(schema, 'input').properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => ({ name, in: 'query', required: false, schema: property }));

export const pathParameter = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const memindError = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/MemindError' } } } });

const errorFields = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } };

export const errorSchemas = {
  Error: {
    type: 'object',
    description: "Satisfies each of the API's error formats: success/message/status, response, and error as an object",
    required: ['success', 'status', 'message', 'response', 'error'],
    properties: {
      success: { type: 'boolean', example: false },
      status: { type: 'integer' },
      message: { type: 'string' },
      response: { type: 'string', description: 'The same text as message' },
      error: errorFields,
    },
  },
  MemindError: { type: 'object', required: ['error'], properties: { error: errorFields } },
};

/** The error answers every Alchemyst route can give; each route adds its own. */
export const errors = {
  400: errorResponse('Malformed input; the message names each bad field and rule'),
  401: errorResponse('Missing or invalid bearer token'),
  403: errorResponse('user_id or organization_id does not match the token'),
  415: errorResponse('A body that is not uncompressed UTF-8 application/json'),
  429: errorResponse('Per-tenant rate limit exceeded'),
  500: errorResponse('An unexpected failure; nothing the client sent causes one'),
  503: errorResponse('The bus could not take the command; nothing was accepted'),
  504: errorResponse('No answer within the deadline'),
};

export { errorResponse as refusal };

export const memindErrors = {
  400: memindError('Malformed input (wrong role, empty content, unknown block type, bad base64, …); the message names each bad field'),
  401: memindError('Missing or invalid bearer token (unless MEMIND_AUTH=none)'),
  403: memindError('userId does not match the token'),
  415: memindError('A body that is not uncompressed UTF-8 application/json'),
  429: memindError('Per-tenant rate limit exceeded'),
  500: memindError('An unexpected failure; nothing the client sent causes one'),
  503: memindError('The bus could not take the command; nothing was accepted'),
  504: memindError('No answer within the deadline'),
};

export { memindError as memindRefusal };
