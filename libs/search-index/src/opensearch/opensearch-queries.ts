import { toIsoUtc } from '../iso-utc';
import type { ChunkFilter } from '../search-index.port';

type Clause = Record<string, unknown>;

/** Fields never returned: the vector is large and the port never hands it back. */
export const SOURCE_WITHOUT_VECTOR = { excludes: ['vector'] };

/**
 * Longer queries are cut: each token becomes a clause, and Lucene refuses more than 1024 in a query.
 * Words are not tokens (the analyser splits CJK text into one token per character, and words at
 * hyphens), but a token holds at least one character: 500 characters keep even a query matched on
 * two fields (text, and title when boosted) under the limit.
 */
export const MAX_QUERY_CHARACTERS = 500;

/** The query's first whole words within MAX_QUERY_CHARACTERS; a first word longer than that is cut. */
export function boundedQuery(text: string): string {
  let query = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = query ? `${query} ${word}` : word;
    if (next.length > MAX_QUERY_CHARACTERS) return query || word.slice(0, MAX_QUERY_CHARACTERS);
    query = next;
  }
  return query;
}


/**
 * The filter clauses of a ChunkFilter. Term queries only: values are never parsed as query syntax,
 * so ids holding quotes or operators stay plain values. A null organisation is its own tenant.
 */
export function filterClauses(filter: ChunkFilter): Clause[] {
  const clauses: Clause[] = [{ term: { 'tenant.userId': filter.tenant.userId } }];
  clauses.push(
    filter.tenant.organizationId === null
      ? { bool: { must_not: [{ exists: { field: 'tenant.organizationId' } }] } }
      : { term: { 'tenant.organizationId': filter.tenant.organizationId } },
  );
  if (filter.documentIds !== undefined) clauses.push(filter.documentIds.length === 0 ? { match_none: {} } : { terms: { documentId: filter.documentIds } });
  if (filter.fileName !== undefined) clauses.push({ term: { fileName: filter.fileName } });
  if (filter.fileType !== undefined) clauses.push({ term: { fileType: filter.fileType } });
  for (const group of filter.groupName ?? []) clauses.push({ term: { groupName: group } });
  if (filter.source !== undefined) clauses.push({ term: { source: filter.source } });
  if (filter.contextType !== undefined) clauses.push({ term: { contextType: filter.contextType } });
  if (filter.scope !== undefined) clauses.push({ term: { scope: filter.scope } });
  if (filter.lastModifiedFrom !== undefined || filter.lastModifiedTo !== undefined) {
    const range: Record<string, string> = {};
    if (filter.lastModifiedFrom !== undefined) range.gte = toIsoUtc(filter.lastModifiedFrom, 'lastModifiedFrom');
    if (filter.lastModifiedTo !== undefined) range.lte = toIsoUtc(filter.lastModifiedTo, 'lastModifiedTo');
    clauses.push({ range: { lastModified: range } });
  }
  return clauses;
}

export const filterQuery = (filter: ChunkFilter): Clause => ({ bool: { filter: filterClauses(filter) } });

/** k-NN with the filter inside the knn clause: the Lucene engine filters while searching, so k matches come back. */
export function vectorSearchBody(vector: Float32Array, filter: ChunkFilter, limit: number): Clause {
  return {
    size: limit,
    track_total_hits: false,
    _source: SOURCE_WITHOUT_VECTOR,
    query: { knn: { vector: { vector: Array.from(vector), k: limit, filter: filterQuery(filter) } } },
  };
}

/** A match query has no syntax: quotes, colons, AND or `*` from clients are only characters. */
export function lexicalSearchBody(text: string, filter: ChunkFilter, limit: number): Clause {
  return {
    size: limit,
    track_total_hits: false,
    _source: SOURCE_WITHOUT_VECTOR,
    query: { bool: { must: [{ match: { text: { query: boundedQuery(text) } } }], filter: filterClauses(filter) } },
  };
}

/** Document order; `id` breaks ties so search_after pages never skip or repeat. */
export const CHUNK_ORDER = [{ createdAt: 'asc' }, { documentId: 'asc' }, { chunkIndex: 'asc' }, { id: 'asc' }];

/** `withSource` false: a page read only to skip it, its sort values alone. */
export function listChunksBody(filter: ChunkFilter, size: number, from: number, searchAfter?: unknown[], withSource = true): Clause {
  return {
    size,
    ...(searchAfter ? { search_after: searchAfter } : { from }),
    track_total_hits: false,
    _source: withSource ? SOURCE_WITHOUT_VECTOR : false,
    query: filterQuery(filter),
    sort: CHUNK_ORDER,
  };
}

export const SUMMARY_FIELDS = ['documentId', 'chunkIndex', 'fileName', 'fileType', 'groupName', 'source', 'lastModified', 'fileSize', 'createdAt'];

/** One bucket per document with its chunk count and its first chunk; paged with `after`. */
export function listDocumentsBody(filter: ChunkFilter, pageSize: number, after?: Record<string, unknown>): Clause {
  return {
    size: 0,
    track_total_hits: false,
    query: filterQuery(filter),
    aggs: {
      documents: {
        composite: { size: pageSize, sources: [{ documentId: { terms: { field: 'documentId' } } }], ...(after ? { after } : {}) },
        aggs: { first: { top_hits: { size: 1, sort: [{ chunkIndex: 'asc' }], _source: { includes: SUMMARY_FIELDS } } } },
      },
    },
  };
}

/** OpenSearch's cosinesimil score is (1 + cos) / 2; the port promises the cosine itself, clamped to 0..1. */
export function cosineFromScore(score: number): number {
  return Math.min(1, Math.max(0, 2 * score - 1));
}

/** BM25 over whole documents (Lucene's k1 1.2, b 0.75); a title match adds titleBoost times its own BM25. */
export function documentSearchBody(text: string, filter: ChunkFilter, limit: number, titleBoost: number): Clause {
  const query = boundedQuery(text);
  const should: Clause[] = [{ match: { text: { query } } }];
  if (titleBoost > 0) should.push({ match: { title: { query, boost: titleBoost } } });
  return {
    size: limit,
    track_total_hits: false,
    _source: ['documentId'],
    query: { bool: { should, minimum_should_match: 1, filter: filterClauses(filter) } },
  };
}
