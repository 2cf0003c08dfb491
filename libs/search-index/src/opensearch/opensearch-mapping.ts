import { FILE_TYPES_FILLED } from './document-file-types';
import type { IndexIdentity } from '../search-index.port';

export interface OpenSearchIndexSettings {
  shards: number;
  replicas: number;
}

/** HNSW graph parameters: OpenSearch's defaults for the Lucene engine. */
const HNSW = { m: 16, ef_construction: 100 };

const keyword = { type: 'keyword' } as const;

/**
 * One document per chunk. Every filter is a keyword (exact, case-sensitive, like the embedded index);
 * `text` is analysed for BM25 with English stemming and stop words; the vector uses Lucene's HNSW with
 * cosine similarity, which filters while it searches (efficient k-NN filtering, OpenSearch 2.4+).
 * `metadata` is kept in `_source` only, so clients' arbitrary keys never grow the mapping; a field
 * the mapping does not name (a later version's) is kept in `_source` too, not refused.
 * `_meta` records the embedder that wrote the vectors.
 */
export function chunkIndexBody(identity: IndexIdentity, settings: OpenSearchIndexSettings): Record<string, unknown> {
  return {
    settings: { index: { knn: true, number_of_shards: settings.shards, number_of_replicas: settings.replicas } },
    mappings: {
      dynamic: false,
      _meta: { modelId: identity.modelId, dimension: identity.dimension, writtenBy: 'recollect' },
      properties: {
        id: keyword,
        tenant: { properties: { userId: keyword, organizationId: keyword } },
        documentId: keyword,
        chunkIndex: { type: 'integer' },
        text: { type: 'text', analyzer: 'english' },
        vector: {
          type: 'knn_vector',
          dimension: identity.dimension,
          method: { name: 'hnsw', space_type: 'cosinesimil', engine: 'lucene', parameters: HNSW },
        },
        source: keyword,
        contextType: keyword,
        scope: keyword,
        fileName: keyword,
        fileType: keyword,
        groupName: keyword,
        lastModified: { type: 'date' },
        fileSize: { type: 'long' },
        metadata: { type: 'object', enabled: false },
        createdAt: { type: 'date' },
        updatedAt: { type: 'date' },
      },
    },
  };
}

/**
 * An index's layout (chunkIndexBody, documentIndexBody) as a composable template, so an index
 * re-created by hand, by a restore, or by a write after it was deleted gets it too, rather than
 * dynamic mappings (tenant ids as analysed text, which the tenant filters never match).
 */
export function indexTemplate(index: string, body: Record<string, unknown>): Record<string, unknown> {
  return { index_patterns: [index], priority: 100, template: body, _meta: { writtenBy: 'recollect' } };
}

/** What the index mapping says about the embedder that wrote it; nulls when it was not written by us. */
export function identityFromMapping(mapping: unknown): { modelId: string | null; dimension: number | null } {
  const meta = (mapping as { _meta?: { modelId?: unknown; dimension?: unknown } } | undefined)?._meta;
  return {
    modelId: typeof meta?.modelId === 'string' ? meta.modelId : null,
    dimension: typeof meta?.dimension === 'number' ? meta.dimension : null,
  };
}

/**
 * The documents index beside the chunks: one record per document for document-level BM25. Its
 * filter fields carry the chunks' names and types, so the same filter clauses select both.
 */
export function documentIndexBody(identity: IndexIdentity, settings: OpenSearchIndexSettings): Record<string, unknown> {
  return {
    settings: { index: { number_of_shards: settings.shards, number_of_replicas: settings.replicas } },
    mappings: {
      dynamic: false,
      _meta: { modelId: identity.modelId, dimension: identity.dimension, writtenBy: 'recollect', [FILE_TYPES_FILLED]: true },
      properties: {
        tenant: { properties: { userId: keyword, organizationId: keyword } },
        documentId: keyword,
        source: keyword,
        contextType: keyword,
        scope: keyword,
        fileName: keyword,
        fileType: keyword,
        groupName: keyword,
        lastModified: { type: 'date' },
        title: { type: 'text', analyzer: 'english' },
        text: { type: 'text', analyzer: 'english' },
        createdAt: { type: 'date' },
        updatedAt: { type: 'date' },
      },
    },
  };
}
