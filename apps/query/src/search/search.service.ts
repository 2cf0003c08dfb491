import { Inject, Injectable } from '@nestjs/common';
import type { SearchHit, SearchRequest, Tenant } from '@recollect/contracts';
import { EMBEDDER, type Embedder } from '@recollect/embedder';
import { SEARCH_INDEX, type ChunkFilter, type ScoredChunk, type SearchIndex } from '@recollect/search-index';
import { SEARCH_SCORING, boostedScore, fusedScore, lexicalEvidence, lexicalShare, type SearchScoring } from './hybrid-fusion';
import { adjacencyScore, queryWordPairs } from './word-adjacency';

/** A document in the running: the chunks vector search saw of it, best first, and its BM25. */
interface Candidate {
  chunks: ScoredChunk[];
  bm25: number;
}

/** A hit and the plain cosine of its chunk and the query (its score may be fused with BM25). */
export interface RankedHit {
  hit: SearchHit;
  cosine: number;
}

export interface RankOptions {
  /** Hits it refuses are dropped before the cut to `limit`, so a caller narrowing the results still gets `limit` of them. */
  keep?: (hit: SearchHit) => boolean;
  /** A share of the way to a score of 1 that a chunk gains (see boostedScore), from its metadata; before thresholds and the cut. */
  boost?: (metadata: Readonly<Record<string, unknown>>) => number;
}

/** How many documents each retriever hands to fusion, per result asked for, and at least. */
const CANDIDATES_PER_RESULT = 5;
const MIN_CANDIDATES = 50;
/** Chunks read per lexical-only document when looking for its most similar chunk. */
const CHUNKS_PER_RESCORED_DOCUMENT = 20;

@Injectable()
export class SearchService {
  constructor(
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(SEARCH_SCORING) private readonly scoring: SearchScoring,
  ) {}

  /**
   * `fast` ranks chunks by vector similarity alone. `standard` fuses that with BM25 over whole
   * documents (see hybrid-fusion.ts). One hit per document, its most similar chunk, unless the
   * request groups by chunk.
   */
  async search(tenant: Tenant, request: SearchRequest): Promise<SearchHit[]> {
    return (await this.rank(tenant, request)).map(({ hit }) => hit);
  }

  /** The same search, with each hit's plain cosine beside its score, narrowed and boosted as the caller asks. */
  async rank(tenant: Tenant, request: SearchRequest, { keep = () => true, boost }: RankOptions = {}): Promise<RankedHit[]> {
    const filter: ChunkFilter = { tenant, ...request.filter };
    const depth = Math.max(MIN_CANDIDATES, request.limit * CANDIDATES_PER_RESULT);
    // Each step starts as soon as what it needs is there: while the query is encoded, BM25 and then
    // the reading of its documents' chunks; then the vector search and the scoring of those chunks.
    const vector = this.embedQuery(request.query);
    const lexical = request.mode === 'standard' ? this.index.lexicalSearchDocuments(request.query, filter, depth, { titleBoost: this.scoring.titleBoost }) : Promise.resolve([]);
    const semantic = vector.then((v) => this.index.vectorSearch(v, filter, depth));
    const ofLexical = lexical.then((hits) => this.chunksOfDocuments(hits.map((hit) => hit.documentId), vector, filter));
    const [semanticHits, lexicalHits, lexicalChunks] = await Promise.all([semantic, lexical, ofLexical]);

    const candidates = new Map<string, Candidate>();
    addChunks(candidates, semanticHits);
    // Documents the vector search found already have their best chunks; the rest get theirs from the confined search.
    const seen = new Set(candidates.keys());
    addChunks(candidates, lexicalChunks.filter((hit) => !seen.has(hit.chunk.documentId)));
    await this.addFirstChunks(candidates, lexicalHits.map((hit) => hit.documentId), filter);
    const bestBm25 = lexicalHits[0]?.score ?? 0;
    for (const hit of lexicalHits) {
      const candidate = candidates.get(hit.documentId);
      if (candidate) candidate.bm25 = hit.score;
    }

    const adjacency = request.mode === 'standard' ? this.adjacencyShares(request.query, candidates, lexicalChunks) : new Map<string, number>();
    const scored: Array<{ chunk: ScoredChunk['chunk']; score: number; cosine: number }> = [];
    for (const [documentId, { chunks, bm25 }] of candidates) {
      const lexicalSide = lexicalEvidence(this.scoring, lexicalShare(bm25, bestBm25), adjacency.get(documentId) ?? null);
      for (const { chunk, score: cosine } of request.groupBy === 'chunk' ? chunks : chunks.slice(0, 1)) {
        const fused = request.mode === 'standard' ? fusedScore(this.scoring, cosine, lexicalSide) : cosine;
        // Thresholds hold on the score the client sees: one it was shown, passed back as a bound, keeps its hit.
        const score = rounded(boost ? boostedScore(fused, boost(chunk.metadata)) : fused);
        if (score < request.minScore || score > request.maxScore) continue;
        scored.push({ chunk, score, cosine });
      }
    }
    scored.sort((a, b) => b.score - a.score || a.chunk.id.localeCompare(b.chunk.id));
    // Hits are made best first, only until `limit` are kept: a hit copies its chunk's metadata, which
    // for every candidate cost more main-thread time than the rest of the ranking.
    const ranked: RankedHit[] = [];
    for (const { chunk, score, cosine } of scored) {
      if (ranked.length >= request.limit) break;
      const hit = toHit(chunk, score);
      if (keep(hit)) ranked.push({ hit, cosine: rounded(cosine) });
    }
    return ranked;
  }

  /**
   * Each candidate's adjacency score over the best of them, from every chunk the search holds of it:
   * those vector search found, and for BM25's documents those of the confined search. Empty when
   * adjacency is off, the query has no two content words, or no candidate has a pair.
   */
  private adjacencyShares(query: string, candidates: ReadonlyMap<string, Candidate>, lexicalChunks: readonly ScoredChunk[]): Map<string, number> {
    const shares = new Map<string, number>();
    const pairs = this.scoring.adjacencyWeight > 0 ? queryWordPairs(query) : undefined;
    if (!pairs || pairs.count === 0) return shares;
    const textsOf = new Map<string, Map<string, string>>();
    const hold = ({ chunk }: ScoredChunk): void => {
      const texts = textsOf.get(chunk.documentId) ?? new Map<string, string>();
      textsOf.set(chunk.documentId, texts.set(chunk.id, chunk.text));
    };
    for (const candidate of candidates.values()) candidate.chunks.forEach(hold);
    lexicalChunks.forEach(hold);
    let best = 0;
    for (const documentId of candidates.keys()) {
      const score = adjacencyScore(pairs, textsOf.get(documentId)?.values() ?? []);
      shares.set(documentId, score);
      best = Math.max(best, score);
    }
    if (best === 0) return new Map();
    for (const [documentId, score] of shares) shares.set(documentId, score / best);
    return shares;
  }

  private async embedQuery(query: string): Promise<Float32Array> {
    const [vector] = await this.embedder.embed([query], { purpose: 'query' });
    return vector!;
  }

  /** The most similar chunks of BM25's documents, searched among their own chunks. */
  private async chunksOfDocuments(documentIds: string[], vector: Promise<Float32Array>, filter: ChunkFilter): Promise<ScoredChunk[]> {
    if (documentIds.length === 0) return [];
    return this.index.confinedVectorSearch(vector, { ...filter, documentIds }, documentIds.length * CHUNKS_PER_RESCORED_DOCUMENT);
  }

  /** Long documents can fill the confined search's limit on their own; the rest keep their first chunk and no similarity. */
  private async addFirstChunks(candidates: Map<string, Candidate>, documentIds: string[], filter: ChunkFilter): Promise<void> {
    const unseen = documentIds.filter((id) => !candidates.has(id));
    if (unseen.length === 0) return;
    const firstChunks = await this.index.listChunks({ ...filter, documentIds: unseen }, { limit: unseen.length * CHUNKS_PER_RESCORED_DOCUMENT, offset: 0 });
    for (const chunk of firstChunks) if (!candidates.has(chunk.documentId)) candidates.set(chunk.documentId, { chunks: [{ chunk, score: 0 }], bm25: 0 });
  }
}

/**
 * Files vector hits under their documents. Hits arrive best first, so each document's first chunk is
 * its best; callers pass each document's hits from one search only, so no chunk comes twice.
 */
function addChunks(candidates: Map<string, Candidate>, hits: readonly ScoredChunk[]): void {
  for (const hit of hits) {
    const known = candidates.get(hit.chunk.documentId);
    if (known) known.chunks.push(hit);
    else candidates.set(hit.chunk.documentId, { chunks: [hit], bm25: 0 });
  }
}

function toHit(chunk: ScoredChunk['chunk'], score: number): SearchHit {
  return {
    contextId: String(chunk.metadata.context_id ?? chunk.documentId),
    documentId: chunk.documentId,
    chunkId: chunk.id,
    content: chunk.text,
    score: rounded(score),
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

const rounded = (score: number): number => Math.round(score * 1e6) / 1e6;
