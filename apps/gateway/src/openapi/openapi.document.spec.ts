import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.document';

const document = buildOpenApiDocument({ version: '1.2.3', memindAuth: 'bearer' });
type Operation = { security?: unknown[]; requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } }; parameters?: Array<{ name: string }> };
const operation = (path: string, method: string, doc: object = document) => (doc as { paths: Record<string, Record<string, Operation>> }).paths[path]![method]!;
const requestSchema = (path: string) => operation(path, 'post').requestBody!.content['application/json'].schema;

describe('buildOpenApiDocument', () => {
  it('shows the fields a refinement requires as required', () => {
    expect(requestSchema('/api/v1/context/delete').required).toContain('source');
    expect(requestSchema('/api/v1/context/memory/update').anyOf).toEqual([{ required: ['sessionId'] }, { required: ['memoryId'] }]);
    expect(requestSchema('/api/v1/context/search').required).toEqual(expect.arrayContaining(['query', 'similarity_threshold', 'minimum_similarity_threshold']));
  });

  it("shows the Memind routes' security as MEMIND_AUTH sets it, and the query naming the tenant without a token", () => {
    const open = buildOpenApiDocument({ version: '1.2.3', memindAuth: 'none' });
    for (const path of ['/open/v1/memory/async/add-message', '/open/v1/memory/sync/add-message', '/open/v1/memory/retrieve']) {
      expect(operation(path, 'post').security).toEqual([{ bearerAuth: [] }]);
      expect(operation(path, 'post', open).security).toEqual([]);
    }
    expect(operation('/open/v1/operations/{operationId}', 'get').parameters!.map((p) => p.name)).toEqual(['operationId']);
    expect(operation('/open/v1/operations/{operationId}', 'get', open).parameters!.map((p) => p.name)).toEqual(['operationId', 'userId', 'organizationId']);
    expect(operation('/api/v1/context/search', 'post', open).security).toBeUndefined();
  });

  it("describes the error body's response field, which repeats the message", () => {
    expect(document.components.schemas.Error.required).toContain('response');
  });
});
