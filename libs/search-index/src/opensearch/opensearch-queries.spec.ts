import { describe, expect, it } from 'vitest';
import { TENANT_A, TENANT_B } from '../testing/contract-fixtures';
import { chunkIndexBody, identityFromMapping } from './opensearch-mapping';
import { cosineFromScore, documentSearchBody, filterClauses, lexicalSearchBody, listDocumentsBody, MAX_QUERY_CHARACTERS, vectorSearchBody } from './opensearch-queries';

describe('OpenSearch request bodies', () => {
  it('maps the vector as a Lucene HNSW knn_vector sized from the embedder, with cosine similarity and the identity in _meta', () => {
    const body = chunkIndexBody({ modelId: 'use-lite', dimension: 512 }, { shards: 3, replicas: 2 }) as any;
    expect(body.settings).toEqual({ index: { knn: true, number_of_shards: 3, number_of_replicas: 2 } });
    expect(body.mappings.dynamic).toBe(false);
    expect(body.mappings._meta).toEqual({ modelId: 'use-lite', dimension: 512, writtenBy: 'recollect' });
    expect(body.mappings.properties.vector).toEqual({
      type: 'knn_vector',
      dimension: 512,
      method: { name: 'hnsw', space_type: 'cosinesimil', engine: 'lucene', parameters: { m: 16, ef_construction: 100 } },
    });
    expect(body.mappings.properties.text).toEqual({ type: 'text', analyzer: 'english' });
    for (const field of ['documentId', 'fileName', 'groupName', 'source', 'contextType', 'scope']) expect(body.mappings.properties[field]).toEqual({ type: 'keyword' });
    expect(body.mappings.properties.tenant.properties).toEqual({ userId: { type: 'keyword' }, organizationId: { type: 'keyword' } });
    expect(body.mappings.properties.lastModified).toEqual({ type: 'date' });
    expect(body.mappings.properties.metadata).toEqual({ type: 'object', enabled: false });
  });

  it('reads the identity back from a mapping, and nulls from one we did not write', () => {
    expect(identityFromMapping({ _meta: { modelId: 'm', dimension: 8 } })).toEqual({ modelId: 'm', dimension: 8 });
    expect(identityFromMapping({ properties: {} })).toEqual({ modelId: null, dimension: null });
  });

  it('turns every filter into exact term clauses, a null organisation into "has none"', () => {
    expect(
      filterClauses({
        tenant: TENANT_B,
        documentIds: ['d1', "d2' OR '1'='1"],
        fileName: 'report.pdf',
        fileType: 'application/pdf',
        groupName: ['finance', 'q1'],
        source: 'api',
        contextType: 'resource',
        scope: 'internal',
        lastModifiedFrom: '2024-01-01T00:00:00.000Z',
        lastModifiedTo: '2024-02-01T00:00:00+01:00',
      }),
    ).toEqual([
      { term: { 'tenant.userId': 'user-1' } },
      { bool: { must_not: [{ exists: { field: 'tenant.organizationId' } }] } },
      { terms: { documentId: ['d1', "d2' OR '1'='1"] } },
      { term: { fileName: 'report.pdf' } },
      { term: { fileType: 'application/pdf' } },
      { term: { groupName: 'finance' } },
      { term: { groupName: 'q1' } },
      { term: { source: 'api' } },
      { term: { contextType: 'resource' } },
      { term: { scope: 'internal' } },
      { range: { lastModified: { gte: '2024-01-01T00:00:00.000Z', lte: '2024-01-31T23:00:00.000Z' } } },
    ]);
  });

  it('makes an empty documentIds list match nothing', () => {
    expect(filterClauses({ tenant: TENANT_A, documentIds: [] })).toEqual([
      { term: { 'tenant.userId': 'user-1' } },
      { term: { 'tenant.organizationId': 'org-1' } },
      { match_none: {} },
    ]);
  });

  it('puts the filter inside the knn clause (efficient filtering) and asks for k = limit', () => {
    expect(vectorSearchBody(new Float32Array([0.5, 0.25]), { tenant: TENANT_A, scope: 'x' }, 7)).toEqual({
      size: 7,
      track_total_hits: false,
      _source: { excludes: ['vector'] },
      query: {
        knn: {
          vector: {
            vector: [0.5, 0.25],
            k: 7,
            filter: { bool: { filter: [{ term: { 'tenant.userId': 'user-1' } }, { term: { 'tenant.organizationId': 'org-1' } }, { term: { scope: 'x' } }] } },
          },
        },
      },
    });
  });

  it('searches text with a match query (no syntax) and caps very long queries', () => {
    const body = lexicalSearchBody('revenue AND "report"', { tenant: TENANT_A }, 5) as any;
    expect(body.query.bool.must).toEqual([{ match: { text: { query: 'revenue AND "report"' } } }]);
    const long = lexicalSearchBody('word '.repeat(2_000), { tenant: TENANT_A }, 5) as any;
    expect(long.query.bool.must[0].match.text.query).toBe(Array.from({ length: 100 }, () => 'word').join(' '));
  });

  it('keeps a query within 500 characters too, so text the analyser splits into a token per character stays under Lucene\'s 1024 clauses', () => {
    const cjk = lexicalSearchBody('漢'.repeat(600), { tenant: TENANT_A }, 5) as any;
    expect(cjk.query.bool.must[0].match.text.query).toHaveLength(MAX_QUERY_CHARACTERS);
    const words = documentSearchBody(Array.from({ length: 200 }, (_, i) => `word${i}`).join(' '), { tenant: TENANT_A }, 5, 1) as any;
    const [text, title] = words.query.bool.should.map((clause: any) => Object.values(clause.match)[0] as { query: string });
    expect(text!.query.length).toBeLessThanOrEqual(MAX_QUERY_CHARACTERS);
    expect(text!.query.startsWith('word0 word1 ')).toBe(true);
    expect(text!.query.endsWith(' ')).toBe(false);
    expect(title!.query).toBe(text!.query);
  });

  it('hands range bounds over in the stored form, and refuses what is no date', () => {
    expect(filterClauses({ tenant: TENANT_A, lastModifiedFrom: '2024-02-01', lastModifiedTo: '2024-02-01T10:00:00+02:00' }).at(-1)).toEqual({
      range: { lastModified: { gte: '2024-02-01T00:00:00.000Z', lte: '2024-02-01T08:00:00.000Z' } },
    });
    expect(() => filterClauses({ tenant: TENANT_A, lastModifiedTo: 'soon' })).toThrow('lastModifiedTo is not a valid ISO 8601 timestamp');
  });

  it('lists documents with a composite aggregation whose first hit is the lowest chunk', () => {
    const body = listDocumentsBody({ tenant: TENANT_A }, 100, { documentId: 'd9' }) as any;
    expect(body.size).toBe(0);
    expect(body.aggs.documents.composite).toEqual({ size: 100, sources: [{ documentId: { terms: { field: 'documentId' } } }], after: { documentId: 'd9' } });
    expect(body.aggs.documents.aggs.first.top_hits).toMatchObject({ size: 1, sort: [{ chunkIndex: 'asc' }] });
  });

  it('converts OpenSearch cosinesimil scores, (1 + cos) / 2, back to the cosine clamped to 0..1', () => {
    expect(cosineFromScore(1)).toBe(1);
    expect(cosineFromScore((1 + Math.SQRT1_2) / 2)).toBeCloseTo(Math.SQRT1_2, 10);
    expect(cosineFromScore(0.5)).toBe(0);
    expect(cosineFromScore(0)).toBe(0);
  });
});
