import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import { DomainError, ErrorCode, type Tenant } from '@recollect/contracts';
import { optionalIsoUtc } from '../iso-utc';
import { assertValidIdentity } from '../lancedb/index-identity';
import type { ChunkFilter, ChunkRecord, ChunkTail, DocumentSummary, IndexIdentity, ScoredChunk, SearchIndex } from '../search-index.port';
import { documentRecordId, fillDocumentFileTypes } from './document-file-types';
import { chunkIndexBody, documentIndexBody, identityFromMapping, indexTemplate, type OpenSearchIndexSettings } from './opensearch-mapping';
import { cosineFromScore, documentSearchBody, filterClauses, filterQuery, lexicalSearchBody, listChunksBody, listDocumentsBody, vectorSearchBody } from './opensearch-queries';

/** The one call the adapter makes: the client's transport, so tests can stand in for the cluster. */
export interface OpenSearchTransport {
  request(
    params: { method: string; path: string; body?: unknown; bulkBody?: unknown[]; querystring?: Record<string, unknown> },
    options?: { ignore?: number[]; requestTimeout?: number; maxRetries?: number },
  ): Promise<{ statusCode: number | null; body: unknown }>;
  close(): Promise<void>;
}

export interface OpenSearchSearchIndexOptions {
  /** Either a node URL (with credentials) or a ready transport. */
  node?: string;
  username?: string;
  password?: string;
  /** false accepts self-signed certificates (the demo security plugin's). */
  rejectUnauthorized?: boolean;
  transport?: OpenSearchTransport;
  index: string;
  settings?: OpenSearchIndexSettings;
  /** Chunks per bulk request. */
  bulkSize?: number;
}

type StoredChunk = Omit<ChunkRecord, 'vector'>;

/** A whole document for document-level BM25 (the port's DocumentRecord). */
export interface DocumentText extends Pick<ChunkRecord, 'tenant' | 'documentId' | 'source' | 'contextType' | 'scope' | 'fileName' | 'fileType' | 'groupName' | 'lastModified' | 'createdAt' | 'updatedAt'> {
  title: string | null;
  text: string;
}
interface Hit {
  _id: string;
  _score: number | null;
  _source: Record<string, unknown>;
  sort?: unknown[];
}
interface SearchResponse {
  hits: { hits: Hit[] };
}
interface CompositeBucket {
  key: { documentId: string };
  doc_count: number;
  first: { hits: { hits: Hit[] } };
}

/** from + size past this is refused by OpenSearch (index.max_result_window); deeper pages walk with search_after. */
const MAX_RESULT_WINDOW = 10_000;
const DOCUMENT_PAGE = 1_000;

/**
 * A delete by query runs to its end on the server however long it takes (a large tenant or session: minutes).
 * The client's defaults (30 s, then three retries) would give up on it while it still ran, and start it again
 * beside itself; it waits instead, and is never retried by the client.
 */
const DELETE_BY_QUERY_REQUEST = { requestTimeout: 15 * 60_000, maxRetries: 0 };

const DEFAULT_SETTINGS: OpenSearchIndexSettings = { shards: 1, replicas: 1 };

function clientTransport(options: OpenSearchSearchIndexOptions): OpenSearchTransport {
  const clientOptions: ClientOptions = { node: options.node, ssl: { rejectUnauthorized: options.rejectUnauthorized ?? true } };
  if (options.username) clientOptions.auth = { username: options.username, password: options.password ?? '' };
  const client = new Client(clientOptions);
  return {
    request: async (params, requestOptions) => {
      const response = await client.transport.request(params as never, requestOptions);
      return { statusCode: response.statusCode, body: response.body };
    },
    close: () => client.close(),
  };
}

/** Plain code-unit order, like the embedded index and like OpenSearch sorts keywords. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function toDocument(chunk: ChunkRecord): Record<string, unknown> {
  const { vector, ...fields } = chunk;
  return { ...fields, lastModified: optionalIsoUtc(chunk.lastModified, `lastModified of chunk ${chunk.id}`), vector: Array.from(vector) };
}

export function fromSource(source: Record<string, unknown>): StoredChunk {
  const tenant = source.tenant as { userId: string; organizationId?: string | null };
  const { vector: _vector, ...stored } = source;
  return {
    ...stored,
    id: String(source.id),
    tenant: { userId: tenant.userId, organizationId: tenant.organizationId ?? null },
    documentId: String(source.documentId),
    chunkIndex: Number(source.chunkIndex),
    text: String(source.text),
    source: String(source.source),
    contextType: String(source.contextType),
    scope: String(source.scope),
    fileName: (source.fileName as string | null | undefined) ?? null,
    fileType: (source.fileType as string | null | undefined) ?? null,
    groupName: (source.groupName as string[] | undefined) ?? [],
    lastModified: (source.lastModified as string | null | undefined) ?? null,
    fileSize: (source.fileSize as number | null | undefined) ?? null,
    metadata: (source.metadata as Record<string, unknown> | undefined) ?? {},
    createdAt: String(source.createdAt),
    updatedAt: String(source.updatedAt),
  };
}

/**
 * The distributed SearchIndex: one OpenSearch index of chunks, k-NN on Lucene HNSW (cosine) with
 * the filter applied while searching, BM25 on `text`, keyword filters. Writes use
 * `refresh=wait_for` (and deletes `refresh=true`), so what a write resolved is searchable at once,
 * as the port promises.
 */
export class OpenSearchSearchIndex implements SearchIndex {
  private readonly transport: OpenSearchTransport;
  private readonly index: string;
  /** Whole documents for document-level BM25, beside the chunks. */
  private readonly documentIndex: string;
  private readonly settings: OpenSearchIndexSettings;
  /**
   * BM25 statistics are per shard unless the search first gathers them from every shard (one more round
   * trip): with more than one shard, a query's scores would otherwise depend on where its documents landed.
   */
  private readonly lexicalQuerystring: Record<string, unknown> | undefined;
  private readonly ownsTransport: boolean;
  private transportClosed = false;
  private identity: IndexIdentity | undefined;

  constructor(private readonly options: OpenSearchSearchIndexOptions) {
    if (!options.transport && !options.node) throw new Error('OpenSearchSearchIndex needs a node URL or a transport');
    this.ownsTransport = options.transport === undefined;
    this.transport = options.transport ?? clientTransport(options);
    this.index = options.index;
    this.documentIndex = `${options.index}-documents`;
    this.settings = options.settings ?? DEFAULT_SETTINGS;
    this.lexicalQuerystring = this.settings.shards > 1 ? { search_type: 'dfs_query_then_fetch' } : undefined;
  }

  async open(identity: IndexIdentity): Promise<void> {
    assertValidIdentity(identity);
    const stored = await this.storedIdentity();
    if (stored === undefined) await this.create(identity);
    else this.assertSame(stored, identity);
    await this.ensureDocumentIndex(identity);
    this.identity = identity;
  }

  async upsert(chunks: readonly ChunkRecord[]): Promise<void> {
    const { dimension } = this.requireOpen();
    // Last one wins within a batch, as with a redelivered command.
    const latest = [...new Map(chunks.map((chunk) => [chunk.id, chunk])).values()];
    for (const chunk of latest) {
      if (chunk.vector.length !== dimension) throw new DomainError(ErrorCode.IndexMismatch, `Vector of chunk ${chunk.id} has ${chunk.vector.length} dimensions; the index holds ${dimension}`);
    }
    const size = this.options.bulkSize ?? 500;
    for (let start = 0; start < latest.length; start += size) {
      await this.bulk(latest.slice(start, start + size).flatMap((chunk) => [{ index: { _index: this.index, _id: chunk.id } }, toDocument(chunk)]));
    }
  }

  private async bulk(bulkBody: unknown[]): Promise<void> {
    const { body } = await this.transport.request({ method: 'POST', path: '/_bulk', bulkBody, querystring: { refresh: 'wait_for' } });
    const result = body as { errors: boolean; items: Array<Record<string, { status: number; error?: { type: string; reason: string } }>> };
    if (result.errors) {
      const failed = result.items.map((item) => Object.values(item)[0]).find((outcome) => outcome?.error);
      throw new Error(`OpenSearch refused a write: ${failed?.error?.type}: ${failed?.error?.reason}`);
    }
  }

  /** Writes (or overwrites, by tenant and documentId) what document-level lexical search reads. */
  async upsertDocuments(documents: readonly DocumentText[]): Promise<void> {
    this.requireOpen();
    const latest = [...new Map(documents.map((document) => [documentRecordId(document), document])).values()];
    const size = this.options.bulkSize ?? 500;
    for (let start = 0; start < latest.length; start += size) {
      const bulkBody = latest.slice(start, start + size).flatMap((document) => [
        { index: { _index: this.documentIndex, _id: documentRecordId(document) } },
        { ...document, lastModified: optionalIsoUtc(document.lastModified, `lastModified of document ${document.documentId}`) },
      ]);
      await this.bulk(bulkBody);
    }
  }

  /** BM25 over whole documents, best first; callers use only ratios between the scores of one query. */
  async lexicalSearchDocuments(query: string, filter: ChunkFilter, limit: number, options: { titleBoost?: number } = {}): Promise<Array<{ documentId: string; score: number }>> {
    this.requireOpen();
    const text = query.trim();
    if (text.length === 0 || limit <= 0) return [];
    const { body } = await this.transport.request({
      method: 'POST',
      path: `/${encodeURIComponent(this.documentIndex)}/_search`,
      body: documentSearchBody(text, filter, limit, options.titleBoost ?? 0),
      querystring: this.lexicalQuerystring,
    });
    return (body as SearchResponse).hits.hits.map((hit) => ({ documentId: String(hit._source.documentId), score: hit._score ?? 0 }));
  }

  async deleteWhere(filter: ChunkFilter): Promise<number> {
    this.requireOpen();
    const deleted = await this.deleteByQuery(this.index, filter);
    await this.deleteByQuery(this.documentIndex, filter);
    return deleted;
  }

  async deleteChunkTails(tenant: Tenant, tails: ReadonlyArray<ChunkTail>): Promise<number> {
    this.requireOpen();
    if (tails.length === 0) return 0;
    const tailClauses = tails.map(({ documentId, fromChunkIndex }) => ({
      bool: { filter: [{ term: { documentId } }, { range: { chunkIndex: { gte: fromChunkIndex } } }] },
    }));
    return this.deleteByQuery(this.index, { bool: { filter: filterClauses({ tenant }), should: tailClauses, minimum_should_match: 1 } });
  }

  private async deleteByQuery(index: string, filterOrQuery: ChunkFilter | Record<string, unknown>): Promise<number> {
    const query = 'tenant' in filterOrQuery ? filterQuery(filterOrQuery as ChunkFilter) : filterOrQuery;
    let deleted = 0;
    // A chunk rewritten while the delete runs is a version conflict; run again until none is left.
    for (let round = 0; round < 5; round += 1) {
      const { body } = await this.transport.request(
        {
          method: 'POST',
          path: `/${encodeURIComponent(index)}/_delete_by_query`,
          body: { query },
          querystring: { refresh: true, conflicts: 'proceed' },
        },
        DELETE_BY_QUERY_REQUEST,
      );
      const result = body as { deleted: number; version_conflicts: number };
      deleted += result.deleted;
      if (result.version_conflicts === 0) return deleted;
    }
    throw new Error(`Deleting from ${index} kept conflicting with concurrent writes`);
  }

  async vectorSearch(vector: Float32Array, filter: ChunkFilter, limit: number): Promise<ScoredChunk[]> {
    const { dimension } = this.requireOpen();
    if (vector.length !== dimension) throw new DomainError(ErrorCode.IndexMismatch, `Query vector has ${vector.length} dimensions; the index holds ${dimension}`);
    if (limit <= 0) return [];
    const hits = await this.search(vectorSearchBody(vector, filter, limit));
    return hits.map((hit) => ({ chunk: fromSource(hit._source), score: cosineFromScore(hit._score ?? 0) }));
  }

  /** Lucene's filtered k-NN already scores a small filtered set exactly; there is nothing to read ahead of the vector. */
  async confinedVectorSearch(vector: Promise<Float32Array>, filter: ChunkFilter, limit: number): Promise<ScoredChunk[]> {
    return this.vectorSearch(await vector, filter, limit);
  }

  async lexicalSearch(query: string, filter: ChunkFilter, limit: number): Promise<ScoredChunk[]> {
    this.requireOpen();
    const text = query.trim();
    if (text.length === 0 || limit <= 0) return [];
    const hits = await this.search(lexicalSearchBody(text, filter, limit), this.lexicalQuerystring);
    return hits.map((hit) => ({ chunk: fromSource(hit._source), score: hit._score ?? 0 }));
  }

  async listChunks(filter: ChunkFilter, page: { limit: number; offset: number }): Promise<StoredChunk[]> {
    this.requireOpen();
    const offset = Math.max(0, page.offset);
    if (page.limit <= 0) return [];
    if (offset + page.limit <= MAX_RESULT_WINDOW) return (await this.search(listChunksBody(filter, page.limit, offset))).map((hit) => fromSource(hit._source));
    // Deep pages: walk in sort order, skipping `offset` chunks; a page skipped whole is read without its chunks.
    const chunks: StoredChunk[] = [];
    let skipped = 0;
    let after: unknown[] | undefined;
    while (chunks.length < page.limit) {
      const skippedWhole = offset - skipped >= MAX_RESULT_WINDOW;
      const hits = await this.search(listChunksBody(filter, MAX_RESULT_WINDOW, 0, after, !skippedWhole));
      if (hits.length === 0) break;
      for (const hit of hits) {
        if (skipped < offset) skipped += 1;
        else if (chunks.length < page.limit) chunks.push(fromSource(hit._source));
      }
      after = hits[hits.length - 1]!.sort;
    }
    return chunks;
  }

  async listDocuments(filter: ChunkFilter): Promise<DocumentSummary[]> {
    this.requireOpen();
    const summaries: DocumentSummary[] = [];
    let after: Record<string, unknown> | undefined;
    for (;;) {
      const { body } = await this.transport.request({ method: 'POST', path: `/${encodeURIComponent(this.index)}/_search`, body: listDocumentsBody(filter, DOCUMENT_PAGE, after) });
      const documents = (body as { aggregations: { documents: { buckets: CompositeBucket[]; after_key?: Record<string, unknown> } } }).aggregations.documents;
      for (const bucket of documents.buckets) {
        const first = bucket.first.hits.hits[0]?._source ?? {};
        summaries.push({
          documentId: bucket.key.documentId,
          fileName: (first.fileName as string | null | undefined) ?? null,
          fileType: (first.fileType as string | null | undefined) ?? null,
          groupName: (first.groupName as string[] | undefined) ?? [],
          source: String(first.source),
          lastModified: (first.lastModified as string | null | undefined) ?? null,
          fileSize: (first.fileSize as number | null | undefined) ?? null,
          chunkCount: bucket.doc_count,
          createdAt: String(first.createdAt),
        });
      }
      if (documents.buckets.length < DOCUMENT_PAGE || !documents.after_key) break;
      after = documents.after_key;
    }
    return summaries.sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.documentId, b.documentId));
  }

  /** Safe to call twice. A transport handed in belongs to the caller and stays open. */
  async close(): Promise<void> {
    this.identity = undefined;
    if (this.ownsTransport && !this.transportClosed) {
      this.transportClosed = true;
      await this.transport.close();
    }
  }

  private async search(body: Record<string, unknown>, querystring?: Record<string, unknown>): Promise<Hit[]> {
    const { body: response } = await this.transport.request({ method: 'POST', path: `/${encodeURIComponent(this.index)}/_search`, body, querystring });
    return (response as SearchResponse).hits.hits;
  }

  /** undefined: no such index yet. */
  private async storedIdentity(): Promise<{ modelId: string | null; dimension: number | null } | undefined> {
    const { statusCode, body } = await this.transport.request({ method: 'GET', path: `/${encodeURIComponent(this.index)}/_mapping` }, { ignore: [404] });
    if (statusCode === 404) return undefined;
    const mappings = Object.values(body as Record<string, { mappings?: unknown }>)[0]?.mappings;
    return identityFromMapping(mappings);
  }

  private async create(identity: IndexIdentity): Promise<void> {
    const layout = chunkIndexBody(identity, this.settings);
    await this.transport.request({ method: 'PUT', path: `/_index_template/${encodeURIComponent(this.index)}`, body: indexTemplate(this.index, layout) });
    const { statusCode, body } = await this.transport.request({ method: 'PUT', path: `/${encodeURIComponent(this.index)}`, body: layout }, { ignore: [400] });
    if (statusCode !== 400) return;
    // Another replica created it first: use it if it was made for the same embedder.
    const type = (body as { error?: { type?: string } }).error?.type;
    if (type !== 'resource_already_exists_exception') throw new Error(`OpenSearch refused to create index ${this.index}: ${JSON.stringify(body)}`);
    const stored = await this.storedIdentity();
    if (stored) this.assertSame(stored, identity);
  }

  private async ensureDocumentIndex(identity: IndexIdentity): Promise<void> {
    const layout = documentIndexBody(identity, this.settings);
    // At every start, so deployments whose documents index predates the template get it too.
    await this.transport.request({ method: 'PUT', path: `/_index_template/${encodeURIComponent(this.documentIndex)}`, body: indexTemplate(this.documentIndex, layout) });
    const { statusCode } = await this.transport.request({ method: 'HEAD', path: `/${encodeURIComponent(this.documentIndex)}` }, { ignore: [404] });
    if (statusCode !== 404) return fillDocumentFileTypes(this.transport, this.index, this.documentIndex);
    const created = await this.transport.request({ method: 'PUT', path: `/${encodeURIComponent(this.documentIndex)}`, body: layout }, { ignore: [400] });
    const type = (created.body as { error?: { type?: string } }).error?.type;
    if (created.statusCode === 400 && type !== 'resource_already_exists_exception') throw new Error(`OpenSearch refused to create index ${this.documentIndex}: ${JSON.stringify(created.body)}`);
  }

  private assertSame(stored: { modelId: string | null; dimension: number | null }, requested: IndexIdentity): void {
    if (stored.modelId === requested.modelId && stored.dimension === requested.dimension) return;
    const describe = (modelId: string | null, dimension: number | null) => `model "${modelId ?? 'unknown'}" (dimension ${dimension ?? 'unknown'})`;
    throw new DomainError(
      ErrorCode.IndexMismatch,
      `The OpenSearch index ${this.index} was built with ${describe(stored.modelId, stored.dimension)}, but the embedder is ` +
        `${describe(requested.modelId, requested.dimension)}. Vectors from different models cannot be searched together. Either set ` +
        'OPENSEARCH_INDEX to a new index, or delete this one so it is rebuilt (documents must then be ingested again).',
      { index: this.index, stored, requested },
    );
  }

  private requireOpen(): IndexIdentity {
    if (!this.identity) throw new Error(`OpenSearch index ${this.index} is not open`);
    return this.identity;
  }
}
