import type { Tenant } from '@recollect/contracts';

/** One indexed chunk. `id` is deterministic (tenant, document, chunk index) so a redelivered command overwrites instead of duplicating. */
export interface ChunkRecord {
  id: string;
  tenant: Tenant;
  documentId: string;
  chunkIndex: number;
  text: string;
  vector: Float32Array;
  source: string;
  contextType: string;
  scope: string;
  fileName: string | null;
  fileType: string | null;
  groupName: string[];
  /** ISO 8601 timestamp, or null when the client sent none. Timestamps come back normalised to UTC (`toISOString()` form). */
  lastModified: string | null;
  fileSize: number | null;
  /** The document's metadata as the client sent it (plus ids the service adds). */
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** Filters every query takes. `tenant` is mandatory: no query ever crosses tenants. */
export interface ChunkFilter {
  tenant: Tenant;
  /** An empty list matches nothing (never "no filter"), so deleteWhere cannot widen by accident. */
  documentIds?: string[];
  fileName?: string;
  /** The file's type as added (`fileType`, e.g. a MIME type): exact match. */
  fileType?: string;
  /** A chunk matches when it carries every one of these group names. */
  groupName?: string[];
  source?: string;
  contextType?: string;
  scope?: string;
  /** Inclusive bounds; chunks without lastModified never match a range. */
  lastModifiedFrom?: string;
  lastModifiedTo?: string;
}

/**
 * A whole document as document-level lexical search sees it, stored beside its chunks. Its filter
 * fields equal its chunks', so a ChunkFilter selects a document exactly when it selects its chunks.
 */
export interface DocumentRecord extends Pick<ChunkRecord, 'tenant' | 'documentId' | 'source' | 'contextType' | 'scope' | 'fileName' | 'fileType' | 'groupName' | 'lastModified' | 'createdAt' | 'updatedAt'> {
  /** Searched as its own field (see LexicalOptions.titleBoost); null when the document has none. */
  title: string | null;
  /** The document's whole searchable text: BM25 over it ranks documents, not pieces of them. */
  text: string;
}

export interface LexicalOptions {
  /** Weight of a BM25 match in the title, added to the match in the text; 0 (the default) ignores titles. */
  titleBoost?: number;
}

export interface ScoredDocument {
  documentId: string;
  /** BM25 over the whole text, plus titleBoost × BM25 over the title (unbounded, engine-scaled). */
  score: number;
}

export interface ScoredChunk {
  chunk: Omit<ChunkRecord, 'vector'>;
  /** Vector search: cosine similarity clamped to 0..1. Lexical search: the engine's BM25 score (unbounded). */
  score: number;
}

export interface DocumentSummary {
  documentId: string;
  fileName: string | null;
  fileType: string | null;
  groupName: string[];
  source: string;
  lastModified: string | null;
  fileSize: number | null;
  chunkCount: number;
  createdAt: string;
}

export interface IndexIdentity {
  modelId: string;
  dimension: number;
}

/** The chunks of one document from one chunk index on. */
export interface ChunkTail {
  documentId: string;
  fromChunkIndex: number;
}

export interface SearchIndex {
  /** Creates the index if missing; fails with INDEX_MISMATCH when it was written by another model or dimension. */
  open(identity: IndexIdentity): Promise<void>;
  upsert(chunks: readonly ChunkRecord[]): Promise<void>;
  /** Writes (or overwrites, by tenant and documentId) what document-level lexical search reads. */
  upsertDocuments(documents: readonly DocumentRecord[]): Promise<void>;
  /** Deletes every chunk and document record matching the filter; answers how many chunks went. */
  deleteWhere(filter: ChunkFilter): Promise<number>;
  /**
   * Deletes each named document's chunks from `fromChunkIndex` on (what a shorter rewrite leaves
   * behind), keeping its document record; answers how many chunks went.
   */
  deleteChunkTails(tenant: Tenant, tails: ReadonlyArray<ChunkTail>): Promise<number>;
  vectorSearch(vector: Float32Array, filter: ChunkFilter, limit: number): Promise<ScoredChunk[]>;
  /**
   * The same results as `vectorSearch(await vector, filter, limit)`, for a filter that selects few
   * chunks (a handful of documents'), started before the query vector exists: an adapter that can
   * reads those chunks meanwhile and scores them exactly once the vector arrives.
   */
  confinedVectorSearch(vector: Promise<Float32Array>, filter: ChunkFilter, limit: number): Promise<ScoredChunk[]>;
  /** BM25 over chunk texts, best first. */
  lexicalSearch(query: string, filter: ChunkFilter, limit: number): Promise<ScoredChunk[]>;
  /**
   * BM25 over whole documents, best first: k1 1.2, b 0.75, English stemming and stop words on both
   * adapters. Engines scale it differently (Lucene drops the constant k1 + 1 factor), so callers use
   * only ratios between the scores of one query.
   */
  lexicalSearchDocuments(query: string, filter: ChunkFilter, limit: number, options?: LexicalOptions): Promise<ScoredDocument[]>;
  /** Chunks in document order (createdAt, documentId, chunkIndex). */
  listChunks(filter: ChunkFilter, page: { limit: number; offset: number }): Promise<Array<Omit<ChunkRecord, 'vector'>>>;
  /** One summary per document, described by its first chunk, ordered by createdAt then documentId. */
  listDocuments(filter: ChunkFilter): Promise<DocumentSummary[]>;
  close(): Promise<void>;
}

export const SEARCH_INDEX = Symbol('SEARCH_INDEX');
