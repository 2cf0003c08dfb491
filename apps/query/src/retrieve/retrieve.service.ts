import { Inject, Injectable } from '@nestjs/common';
import {
  MEMORY_CONTEXT_TYPE,
  MEMORY_TAG,
  agentTag,
  memorySource,
  type RetrieveRequest,
  type RetrievedItem,
  type SearchHit,
  type Tenant,
} from '@recollect/contracts';
import { EMBEDDER, type Embedder } from '@recollect/embedder';
import { SEARCH_INDEX, type SearchIndex } from '@recollect/search-index';
import { SearchService } from '../search/search.service';

/** What the index adds to a chunk's metadata for its own bookkeeping; a memory item shows the message's metadata instead. */
const INDEX_FIELDS = new Set([
  'context_id',
  'document_id',
  'chunk_index',
  'chunk_count',
  'parent_context_nodes',
  'children_context_nodes',
  'source',
  'context_type',
  'scope',
  'fileName',
  'fileType',
  'groupName',
  'lastModified',
  'fileSize',
]);

const messageMetadata = (metadata: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(metadata).filter(([key]) => !INDEX_FIELDS.has(key)));

/**
 * Memind-style retrieval over memory messages: the regular hybrid search (its fused score is the
 * `finalScore`) restricted to memory, plus the plain cosine of each hit (`vectorScore`).
 */
@Injectable()
export class RetrieveService {
  constructor(
    private readonly search: SearchService,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async retrieve(tenant: Tenant, request: RetrieveRequest): Promise<RetrievedItem[]> {
    const hits = await this.search.search(tenant, {
      query: request.query,
      minScore: 0,
      maxScore: 1,
      limit: request.limit,
      mode: 'standard',
      filter: {
        contextType: MEMORY_CONTEXT_TYPE,
        source: request.sessionId === undefined ? undefined : memorySource(request.sessionId),
        groupName: request.agentId === undefined ? [MEMORY_TAG] : [MEMORY_TAG, agentTag(request.agentId)],
        lastModifiedFrom: request.occurredFrom,
        lastModifiedTo: request.occurredTo,
      },
    });
    // Documents added through the Context API with a `memory` tag are not messages.
    const messages = hits.filter((hit) => typeof hit.metadata.messageId === 'string' && typeof hit.metadata.sessionId === 'string');
    const cosine = await this.cosineOf(tenant, request.query, messages);
    return messages.map((hit) => ({
      id: String(hit.metadata.messageId),
      text: hit.content,
      vectorScore: cosine.get(hit.chunkId) ?? 0,
      finalScore: hit.score,
      occurredAt: typeof hit.metadata.occurredAt === 'string' ? hit.metadata.occurredAt : hit.createdAt,
      metadata: messageMetadata(hit.metadata),
    }));
  }

  /** Cosine of the query and exactly the hit chunks: a vector search confined to their documents. */
  private async cosineOf(tenant: Tenant, query: string, hits: SearchHit[]): Promise<Map<string, number>> {
    if (hits.length === 0) return new Map();
    const [vector] = await this.embedder.embed([query]);
    const chunks = hits.reduce((sum, hit) => sum + (Number(hit.metadata.chunk_count) || 1), 0);
    const scored = await this.index.vectorSearch(vector!, { tenant, documentIds: hits.map((hit) => hit.documentId) }, chunks);
    return new Map(scored.map((s) => [s.chunk.id, Math.round(s.score * 1e6) / 1e6]));
  }
}
