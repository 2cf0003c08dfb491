import { DomainError, ErrorCode, tenantKey } from '@recollect/contracts';
import { describe, expect, it } from 'vitest';
import { makeChunk, makeDocument, TENANT_A, unitVector, withoutVector } from '../testing/contract-fixtures';
import { fromSource, OpenSearchSearchIndex, toDocument, type OpenSearchTransport } from './opensearch-search-index';

type Request = Parameters<OpenSearchTransport['request']>[0];
type Answer = { statusCode: number; body: unknown };

/** Answers each request with the next canned answer for its method and path, and records it. */
class FakeTransport implements OpenSearchTransport {
  readonly requests: Request[] = [];
  /** Each request's options (timeout, retries, ignored statuses), in the same order. */
  readonly options: Array<Parameters<OpenSearchTransport['request']>[1]> = [];
  closed = 0;
  constructor(private readonly answers: Array<[match: string, answer: Answer | ((request: Request) => Answer)]>) {}

  async request(request: Request, options?: Parameters<OpenSearchTransport['request']>[1]): Promise<{ statusCode: number; body: unknown }> {
    this.requests.push(request);
    this.options.push(options);
    const index = this.answers.findIndex(([match]) => `${request.method} ${request.path}`.startsWith(match));
    if (index < 0) throw new Error(`unexpected ${request.method} ${request.path}`);
    const [, answer] = this.answers.splice(index, 1)[0]!;
    return typeof answer === 'function' ? answer(request) : answer;
  }

  async close(): Promise<void> {
    this.closed += 1;
  }
}

const IDENTITY = { modelId: 'contract-test-model', dimension: 8 };
const EXISTING: [string, Answer] = ['GET /chunks/_mapping', { statusCode: 200, body: { chunks: { mappings: { _meta: IDENTITY } } } }];
const DOCUMENTS_TEMPLATE: [string, Answer] = ['PUT /_index_template/chunks-documents', { statusCode: 200, body: { acknowledged: true } }];
const DOCUMENTS_EXIST: [string, Answer] = ['HEAD /chunks-documents', { statusCode: 200, body: '' }];
const DOCUMENTS_MAPPING: [string, Answer] = ['GET /chunks-documents/_mapping', { statusCode: 200, body: { 'chunks-documents': { mappings: { _meta: { fileTypeFilled: true } } } } }];

async function openIndex(answers: ConstructorParameters<typeof FakeTransport>[0]): Promise<{ sut: OpenSearchSearchIndex; transport: FakeTransport }> {
  const transport = new FakeTransport([EXISTING, DOCUMENTS_TEMPLATE, DOCUMENTS_EXIST, DOCUMENTS_MAPPING, ...answers]);
  const sut = new OpenSearchSearchIndex({ transport, index: 'chunks' });
  await sut.open(IDENTITY);
  return { sut, transport };
}

describe(OpenSearchSearchIndex.name, () => {
  it('creates the index template and the index with the identity when the index is missing', async () => {
    const transport = new FakeTransport([
      ['GET /chunks/_mapping', { statusCode: 404, body: {} }],
      ['PUT /_index_template/chunks', { statusCode: 200, body: { acknowledged: true } }],
      ['PUT /chunks-documents', { statusCode: 200, body: { acknowledged: true } }],
      ['PUT /chunks', { statusCode: 200, body: { acknowledged: true } }],
      DOCUMENTS_TEMPLATE,
      ['HEAD /chunks-documents', { statusCode: 404, body: '' }],
    ]);
    await new OpenSearchSearchIndex({ transport, index: 'chunks', settings: { shards: 2, replicas: 0 } }).open(IDENTITY);
    expect(transport.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /chunks/_mapping',
      'PUT /_index_template/chunks',
      'PUT /chunks',
      'PUT /_index_template/chunks-documents',
      'HEAD /chunks-documents',
      'PUT /chunks-documents',
    ]);
    expect(transport.requests[5]!.body).toMatchObject({ mappings: { properties: { title: { type: 'text', analyzer: 'english' }, text: { type: 'text', analyzer: 'english' } } } });
    // The documents index's template holds its layout, so an index re-created by a write gets it too.
    expect(transport.requests[3]!.body).toMatchObject({ index_patterns: ['chunks-documents'], template: { mappings: { properties: { tenant: { properties: { userId: { type: 'keyword' } } } } } } });
    expect(transport.requests[2]!.body).toMatchObject({ settings: { index: { number_of_shards: 2, number_of_replicas: 0 } }, mappings: { _meta: IDENTITY } });
    expect(transport.requests[1]!.body).toMatchObject({ index_patterns: ['chunks'], template: { mappings: { _meta: IDENTITY } } });
  });

  it('fills fileType on the records of a documents index made before them, from each document\'s first chunk, then flags it', async () => {
    const chunk = (documentId: string, organizationId: string | undefined, fileType: string, sort: number) => ({ _id: documentId, _score: null, sort: [sort], _source: { tenant: { userId: 'user-1', organizationId }, documentId, fileType } });
    const acknowledged = { statusCode: 200, body: { acknowledged: true } };
    const transport = new FakeTransport([
      EXISTING,
      DOCUMENTS_TEMPLATE,
      DOCUMENTS_EXIST,
      ['GET /chunks-documents/_mapping', { statusCode: 200, body: { 'chunks-documents': { mappings: { _meta: { modelId: 'contract-test-model', dimension: 8 } } } } }],
      ['PUT /chunks-documents/_mapping', acknowledged],
      ['POST /chunks/_search', { statusCode: 200, body: { hits: { hits: [chunk('guide', 'org-1', 'text/markdown', 1), chunk('memo', undefined, 'text/plain', 2)] } } }],
      ['POST /_bulk', { statusCode: 200, body: { errors: true, items: [{ update: { status: 200 } }, { update: { status: 404, error: { type: 'document_missing_exception', reason: 'missing' } } }] } }],
      ['PUT /chunks-documents/_mapping', acknowledged],
    ]);
    await new OpenSearchSearchIndex({ transport, index: 'chunks' }).open(IDENTITY);

    const [field, search, bulk, flag] = transport.requests.slice(4);
    expect(field!.body).toEqual({ properties: { fileType: { type: 'keyword' } } });
    expect((search!.body as any).query.bool.filter).toEqual([{ term: { chunkIndex: 0 } }, { exists: { field: 'fileType' } }]);
    expect(bulk!.bulkBody).toEqual([
      { update: { _index: 'chunks-documents', _id: 'org-1/user-1\u0000guide' } },
      { doc: { fileType: 'text/markdown' } },
      { update: { _index: 'chunks-documents', _id: tenantKey({ userId: 'user-1', organizationId: null }) + '\u0000memo' } },
      { doc: { fileType: 'text/plain' } },
    ]);
    // The flag joins what _meta held: the identity stays.
    expect(flag!.body).toEqual({ _meta: { modelId: 'contract-test-model', dimension: 8, fileTypeFilled: true } });
  });

  it('fails to open when the fill is refused for another reason than a missing record, leaving the index unflagged', async () => {
    const transport = new FakeTransport([
      EXISTING,
      DOCUMENTS_TEMPLATE,
      DOCUMENTS_EXIST,
      ['GET /chunks-documents/_mapping', { statusCode: 200, body: { 'chunks-documents': { mappings: {} } } }],
      ['PUT /chunks-documents/_mapping', { statusCode: 200, body: { acknowledged: true } }],
      ['POST /chunks/_search', { statusCode: 200, body: { hits: { hits: [{ _id: 'x', _score: null, sort: [1], _source: { tenant: { userId: 'u' }, documentId: 'd', fileType: 't' } }] } } }],
      ['POST /_bulk', { statusCode: 200, body: { errors: true, items: [{ update: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'busy' } } }] } }],
    ]);
    await expect(new OpenSearchSearchIndex({ transport, index: 'chunks' }).open(IDENTITY)).rejects.toThrow(/es_rejected_execution_exception: busy/);
    expect(transport.requests.filter((r) => r.method === 'PUT' && r.path === '/chunks-documents/_mapping')).toHaveLength(1);
  });

  it('makes new documents indices already flagged as filled', async () => {
    const { transport } = await openIndex([]);
    expect(transport.requests.filter((r) => r.path.endsWith('/_mapping') && r.method === 'PUT')).toEqual([]);
    const template = transport.requests.find((r) => r.path === '/_index_template/chunks-documents');
    expect((template!.body as any).template.mappings._meta.fileTypeFilled).toBe(true);
  });

  it('refuses an index written by another model with INDEX_MISMATCH naming both', async () => {
    const transport = new FakeTransport([['GET /chunks/_mapping', { statusCode: 200, body: { chunks: { mappings: { _meta: { modelId: 'other', dimension: 768 } } } } }]]);
    const error = await new OpenSearchSearchIndex({ transport, index: 'chunks' }).open(IDENTITY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.IndexMismatch);
    expect((error as DomainError).message).toMatch(/"other" \(dimension 768\).*"contract-test-model" \(dimension 8\)/);
  });

  it('accepts an index another replica created in the meantime, if it has the same identity', async () => {
    const transport = new FakeTransport([
      ['GET /chunks/_mapping', { statusCode: 404, body: {} }],
      ['PUT /_index_template/chunks', { statusCode: 200, body: {} }],
      ['PUT /chunks', { statusCode: 400, body: { error: { type: 'resource_already_exists_exception' } } }],
      EXISTING,
      DOCUMENTS_TEMPLATE,
      DOCUMENTS_EXIST,
      DOCUMENTS_MAPPING,
    ]);
    await expect(new OpenSearchSearchIndex({ transport, index: 'chunks' }).open(IDENTITY)).resolves.toBeUndefined();
  });

  it('writes chunks in bulk by id with refresh=wait_for, normalising lastModified to UTC', async () => {
    const { sut, transport } = await openIndex([['POST /_bulk', { statusCode: 200, body: { errors: false, items: [] } }]]);
    const chunk = makeChunk({ documentId: 'd', lastModified: '2024-02-01T01:00:00+01:00' });
    await sut.upsert([chunk, chunk]);
    const bulk = transport.requests[4]!;
    expect(bulk.querystring).toEqual({ refresh: 'wait_for' });
    expect(bulk.bulkBody).toHaveLength(2); // the duplicate collapsed
    expect(bulk.bulkBody![0]).toEqual({ index: { _index: 'chunks', _id: chunk.id } });
    expect(bulk.bulkBody![1]).toMatchObject({ id: chunk.id, lastModified: '2024-02-01T00:00:00.000Z', vector: Array.from(chunk.vector) });
  });

  it('fails a write OpenSearch partly refused', async () => {
    const { sut } = await openIndex([
      ['POST /_bulk', { statusCode: 200, body: { errors: true, items: [{ index: { status: 200 } }, { index: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad' } } }] } }],
    ]);
    await expect(sut.upsert(makeDocument({ documentId: 'd', count: 2 }))).rejects.toThrow('mapper_parsing_exception: bad');
  });

  it('answers vector search scores as the cosine, and the chunks without vectors', async () => {
    const chunk = makeChunk({ documentId: 'd' });
    const { sut } = await openIndex([['POST /chunks/_search', { statusCode: 200, body: { hits: { hits: [{ _id: chunk.id, _score: 0.75, _source: withoutVector(chunk) }] } } }]]);
    expect(await sut.vectorSearch(unitVector(1), { tenant: TENANT_A }, 3)).toEqual([{ chunk: withoutVector(chunk), score: 0.5 }]);
  });

  it('deletes chunks and document records by query with refresh, again while versions conflict, and counts chunks', async () => {
    const { sut, transport } = await openIndex([
      ['POST /chunks/_delete_by_query', { statusCode: 200, body: { deleted: 3, version_conflicts: 1 } }],
      ['POST /chunks/_delete_by_query', { statusCode: 200, body: { deleted: 1, version_conflicts: 0 } }],
      ['POST /chunks-documents/_delete_by_query', { statusCode: 200, body: { deleted: 1, version_conflicts: 0 } }],
    ]);
    expect(await sut.deleteWhere({ tenant: TENANT_A, documentIds: ['d'] })).toBe(4);
    expect(transport.requests[4]!.querystring).toEqual({ refresh: true, conflicts: 'proceed' });
    // It runs on the server however long it takes: the client waits for it and never starts it again beside itself.
    expect(transport.options.slice(4)).toEqual(Array.from({ length: 3 }, () => ({ requestTimeout: 15 * 60_000, maxRetries: 0 })));
    expect(transport.requests.map((r) => r.path).slice(4)).toEqual(['/chunks/_delete_by_query', '/chunks/_delete_by_query', '/chunks-documents/_delete_by_query']);
  });

  it("deletes chunk tails from the chunk index alone, each document's from its own index on, within the tenant", async () => {
    const { sut, transport } = await openIndex([['POST /chunks/_delete_by_query', { statusCode: 200, body: { deleted: 2, version_conflicts: 0 } }]]);
    expect(await sut.deleteChunkTails(TENANT_A, [{ documentId: 'a', fromChunkIndex: 1 }, { documentId: 'b', fromChunkIndex: 3 }])).toBe(2);
    expect(await sut.deleteChunkTails(TENANT_A, [])).toBe(0);
    expect(transport.requests.map((r) => r.path).slice(4)).toEqual(['/chunks/_delete_by_query']);
    const query = (transport.requests[4]!.body as any).query.bool;
    expect(query.filter).toEqual([{ term: { 'tenant.userId': TENANT_A.userId } }, { term: { 'tenant.organizationId': TENANT_A.organizationId } }]);
    expect(query.minimum_should_match).toBe(1);
    expect(query.should).toEqual([
      { bool: { filter: [{ term: { documentId: 'a' } }, { range: { chunkIndex: { gte: 1 } } }] } },
      { bool: { filter: [{ term: { documentId: 'b' } }, { range: { chunkIndex: { gte: 3 } } }] } },
    ]);
  });

  it('gathers BM25 statistics from every shard first when the index has more than one', async () => {
    const hits = { statusCode: 200, body: { hits: { hits: [] } } };
    const transport = new FakeTransport([EXISTING, DOCUMENTS_TEMPLATE, DOCUMENTS_EXIST, DOCUMENTS_MAPPING, ['POST /chunks/_search', hits], ['POST /chunks-documents/_search', hits], ['POST /chunks/_search', hits]]);
    const sut = new OpenSearchSearchIndex({ transport, index: 'chunks', settings: { shards: 3, replicas: 1 } });
    await sut.open(IDENTITY);
    await sut.lexicalSearch('harbour lamp', { tenant: TENANT_A }, 5);
    await sut.lexicalSearchDocuments('harbour lamp', { tenant: TENANT_A }, 5);
    await sut.vectorSearch(unitVector(1), { tenant: TENANT_A }, 5);
    expect(transport.requests.slice(4).map((r) => r.querystring?.search_type)).toEqual(['dfs_query_then_fetch', 'dfs_query_then_fetch', undefined]);
  });

  it('writes whole documents once per tenant and document, and ranks them by BM25 with an optional title boost', async () => {
    const { sut, transport } = await openIndex([
      ['POST /_bulk', { statusCode: 200, body: { errors: false, items: [] } }],
      ['POST /chunks-documents/_search', { statusCode: 200, body: { hits: { hits: [{ _id: 'x', _score: 4.2, _source: { documentId: 'guide' } }] } } }],
    ]);
    const document = { tenant: TENANT_A, documentId: 'guide', source: 'api', contextType: 'resource', scope: 'internal', fileName: 'guide.md', fileType: 'text/markdown', groupName: [], lastModified: null, createdAt: 'c', updatedAt: 'u', title: 'Guide', text: 'All of it.' };
    await sut.upsertDocuments([document, { ...document, text: 'Rewritten.' }]);
    expect(transport.requests[4]!.bulkBody).toEqual([{ index: { _index: 'chunks-documents', _id: 'org-1/user-1\u0000guide' } }, { ...document, text: 'Rewritten.' }]);
    expect(await sut.lexicalSearchDocuments('the guide', { tenant: TENANT_A }, 5, { titleBoost: 2 })).toEqual([{ documentId: 'guide', score: 4.2 }]);
    expect((transport.requests[5]!.body as any).query.bool.should).toEqual([{ match: { text: { query: 'the guide' } } }, { match: { title: { query: 'the guide', boost: 2 } } }]);
  });

  it('lists documents over composite pages, sorted by createdAt then documentId', async () => {
    const bucket = (documentId: string, createdAt: string, count: number) => ({
      key: { documentId },
      doc_count: count,
      first: { hits: { hits: [{ _source: { documentId, createdAt, source: 'api', fileName: `${documentId}.txt`, groupName: ['g'], fileType: null, lastModified: null, fileSize: 3 } }] } },
    });
    const fullPage = Array.from({ length: 1000 }, (_, n) => bucket(`p${String(n).padStart(4, '0')}`, '2024-03-01T00:00:00.000Z', 1));
    const { sut, transport } = await openIndex([
      ['POST /chunks/_search', { statusCode: 200, body: { aggregations: { documents: { buckets: fullPage, after_key: { documentId: 'p0999' } } } } }],
      ['POST /chunks/_search', { statusCode: 200, body: { aggregations: { documents: { buckets: [bucket('early', '2024-01-01T00:00:00.000Z', 4)] } } } }],
    ]);
    const documents = await sut.listDocuments({ tenant: TENANT_A });
    expect(documents).toHaveLength(1001);
    expect(documents[0]).toEqual({ documentId: 'early', fileName: 'early.txt', fileType: null, groupName: ['g'], source: 'api', lastModified: null, fileSize: 3, chunkCount: 4, createdAt: '2024-01-01T00:00:00.000Z' });
    expect((transport.requests[5]!.body as any).aggs.documents.composite.after).toEqual({ documentId: 'p0999' });
  });

  it('walks deep pages with search_after instead of from + size past 10 000', async () => {
    const hit = (n: number) => ({ _id: `c${n}`, _score: null, _source: withoutVector(makeChunk({ documentId: 'd', chunkIndex: n })), sort: [n] });
    const { sut, transport } = await openIndex([
      ['POST /chunks/_search', (request) => ({ statusCode: 200, body: { hits: { hits: (request.body as any).search_after ? [hit(10_000), hit(10_001)] : Array.from({ length: 10_000 }, (_, n) => hit(n)) } } })],
      ['POST /chunks/_search', (request) => ({ statusCode: 200, body: { hits: { hits: (request.body as any).search_after ? [hit(10_000), hit(10_001)] : [] } } })],
    ]);
    const page = await sut.listChunks({ tenant: TENANT_A }, { limit: 2, offset: 9_999 });
    expect(page.map((chunk) => chunk.chunkIndex)).toEqual([9_999, 10_000]);
    expect((transport.requests[4]!.body as any).from).toBe(0);
    expect((transport.requests[5]!.body as any).search_after).toEqual([9_999]);
  });

  it('skips whole pages of a deep walk by their sort values alone, without reading their chunks', async () => {
    const hit = (n: number, withSource: boolean) => ({ _id: `c${n}`, _score: null, ...(withSource ? { _source: withoutVector(makeChunk({ documentId: 'd', chunkIndex: n })) } : {}), sort: [n] });
    const page = (request: Request) => {
      const body = request.body as any;
      const from = body.search_after ? body.search_after[0] + 1 : 0;
      return { statusCode: 200, body: { hits: { hits: Array.from({ length: 10_000 }, (_, n) => hit(from + n, body._source !== false)) } } };
    };
    const { sut, transport } = await openIndex([
      ['POST /chunks/_search', page],
      ['POST /chunks/_search', page],
      ['POST /chunks/_search', page],
    ]);
    const chunks = await sut.listChunks({ tenant: TENANT_A }, { limit: 2, offset: 20_001 });
    expect(chunks.map((chunk) => chunk.chunkIndex)).toEqual([20_001, 20_002]);
    expect(transport.requests.slice(4).map((r) => (r.body as any)._source)).toEqual([false, false, { excludes: ['vector'] }]);
  });

  it('closes a transport it made once, and never one it was handed', async () => {
    const { sut, transport } = await openIndex([]);
    await sut.close();
    await sut.close();
    expect(transport.closed).toBe(0);
  });

  it('stores a chunk as its fields with the vector as an array, and reads every stored field back, a later version’s too', () => {
    const chunk = makeChunk({ documentId: 'd', lastModified: null });
    const document = toDocument(chunk);
    expect(document).toEqual({ ...withoutVector(chunk), vector: Array.from(chunk.vector) });
    expect(fromSource(document)).toEqual(withoutVector(chunk));
    expect(fromSource({ ...document, addedLater: 'kept' })).toMatchObject({ addedLater: 'kept' });
  });
});
