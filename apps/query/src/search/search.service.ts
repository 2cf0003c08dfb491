import { Inject, Injectable } from '@nestjs/common';
import type { SearchHit, SearchRequest, Tenant } from '@recollect/contracts';
import { EMBEDDER, type Embedder } from '@recollect/embedder';
import { SEARCH_INDEX, type ChunkFilter, type ScoredChunk, type SearchIndex } from '@recollect/search-index';
import { hybridScore } from './hybrid-score';

interface Candidate {
  chunk: ScoredChunk['chunk'];
  cosine: number;
  bm25: number;
}

/** How many chunks each retriever hands to fusion, per result asked for. */
const CANDIDATES_PER_RESULT = 5;

@Injectable()
export class SearchService {
  constructor(
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  /** `fast` ranks by vector similarity alone; `standard` fuses it with BM25. One hit per document, its best chunk. */
  async search(tenant: Tenant, request: SearchRequest): Promise<SearchHit[]> {
    const filter: ChunkFilter = { tenant, ...request.filter };
    const [vector] = await this.embedder.embed([request.query]);
    const depth = request.limit * CANDIDATES_PER_RESULT;
    const candidates = new Map<string, Candidate>();

    for (const hit of await this.index.vectorSearch(vector!, filter, depth)) {
      candidates.set(hit.chunk.id, { chunk: hit.chunk, cosine: hit.score, bm25: 0 });
    }
    if (request.mode === 'standard') await this.addLexical(candidates, request.query, vector!, filter, depth);

    const bestPerDocument = new Map<string, SearchHit>();
    for (const { chunk, cosine, bm25 } of candidates.values()) {
      const score = request.mode === 'standard' ? hybridScore(cosine, bm25) : cosine;
      if (score < request.minScore || score > request.maxScore) continue;
      const current = bestPerDocument.get(chunk.documentId);
      if (!current || score > current.score) bestPerDocument.set(chunk.documentId, toHit(chunk, score));
    }
    return [...bestPerDocument.values()].sort((a, b) => b.score - a.score || a.chunkId.localeCompare(b.chunkId)).slice(0, request.limit);
  }

  private async addLexical(candidates: Map<string, Candidate>, query: string, vector: Float32Array, filter: ChunkFilter, depth: number): Promise<void> {
    const lexical = await this.index.lexicalSearch(query, filter, depth);
    const missing = new Set<string>();
    for (const hit of lexical) {
      const known = candidates.get(hit.chunk.id);
      if (known) known.bm25 = hit.score;
      else {
        candidates.set(hit.chunk.id, { chunk: hit.chunk, cosine: 0, bm25: hit.score });
        missing.add(hit.chunk.documentId);
      }
    }
    if (missing.size === 0) return;
    // Lexical-only chunks still need their similarity: score them among their own documents.
    const rescored = await this.index.vectorSearch(vector, { ...filter, documentIds: [...missing] }, depth * 4);
    for (const hit of rescored) {
      const known = candidates.get(hit.chunk.id);
      if (known) known.cosine = hit.score;
    }
  }
}

function toHit(chunk: ScoredChunk['chunk'], score: number): SearchHit {
  return {
    contextId: String(chunk.metadata.context_id ?? chunk.documentId),
    documentId: chunk.documentId,
    chunkId: chunk.id,
    content: chunk.text,
    score: Math.round(score * 1e6) / 1e6,
    createdAt: chunk.createdAt,
    updatedAt: chunk.updatedAt,
    metadata: {
      ...chunk.metadata,
      source: chunk.source,
      context_type: chunk.contextType,
      scope: chunk.scope,
      fileName: chunk.fileName,
      fileType: chunk.fileType,
      groupName: chunk.groupName,
      lastModified: chunk.lastModified,
      fileSize: chunk.fileSize,
    },
  };
}
