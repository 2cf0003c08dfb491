import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchRequest } from '@recollect/contracts';
import type { Embedder } from '@recollect/embedder';
import { LanceDbSearchIndex, type ChunkRecord, type DocumentRecord } from '@recollect/search-index';
import { fusedScore, lexicalEvidence, lexicalShare, scoringFromEnv, scoringWith } from './hybrid-fusion';
import { SearchService } from './search.service';

const DIMENSION = 4;
const tenant = { userId: 'alice', organizationId: null };
const axis = (i: number): Float32Array => Float32Array.from({ length: DIMENSION }, (_, j) => (j === i ? 1 : 0));
const between = (a: number, b: number, weightOfB: number): Float32Array => {
  const vector = Float32Array.from({ length: DIMENSION }, (_, j) => (j === a ? 1 - weightOfB : 0) + (j === b ? weightOfB : 0));
  const norm = Math.hypot(...vector);
  return vector.map((v) => v / norm);
};

/** Queries point along axis 0; so do the texts this test makes "similar" (their vectors are set per chunk). */
const queryEmbedder: Embedder = { modelId: 'axes', dimension: DIMENSION, maxInputWords: 100, embed: (texts) => Promise.resolve(texts.map(() => axis(0))) };

function chunk(documentId: string, chunkIndex: number, text: string, vector: Float32Array): ChunkRecord {
  const at = '2025-01-01T00:00:00.000Z';
  return {
    id: `${documentId}#${chunkIndex}`,
    tenant,
    documentId,
    chunkIndex,
    text,
    vector,
    source: 'api',
    contextType: 'resource',
    scope: 'internal',
    fileName: null,
    fileType: null,
    groupName: [],
    lastModified: null,
    fileSize: null,
    metadata: {},
    createdAt: at,
    updatedAt: at,
  };
}

function documentOf(chunks: ChunkRecord[], title: string | null = null): DocumentRecord {
  const first = chunks[0]!;
  const { tenant: owner, documentId, source, contextType, scope, fileName, fileType, groupName, lastModified, createdAt, updatedAt } = first;
  return { tenant: owner, documentId, source, contextType, scope, fileName, fileType, groupName, lastModified, createdAt, updatedAt, title, text: chunks.map((c) => c.text).join(' ') };
}

const request = (query: string, overrides: Partial<SearchRequest> = {}): SearchRequest => ({ query, minScore: 0, maxScore: 1, limit: 10, mode: 'standard', filter: {}, ...overrides });

describe(SearchService.name, () => {
  let directory: string;
  let index: LanceDbSearchIndex;
  let sut: SearchService;
  let cosineOf: (chunkId: string) => Promise<number>;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'recollect-search-'));
    index = new LanceDbSearchIndex({ directory });
    await index.open({ modelId: queryEmbedder.modelId, dimension: DIMENSION });
    const documents = [
      // Two chunks: the hit must be the more similar one (the second), once.
      [chunk('glacier', 0, 'Glaciers retreat every summer.', between(0, 1, 0.6)), chunk('glacier', 1, 'Meltwater feeds the glacier lakes.', between(0, 1, 0.2))],
      // Similar in vector space, no shared words.
      [chunk('ocean', 0, 'Tides follow the moon.', between(0, 1, 0.1))],
      // Shares the query's words, points elsewhere: only BM25 finds it among the distractors.
      [chunk('lexical', 0, 'Permafrost thaw releases methane from permafrost soils.', axis(2))],
      // The same words and the same vector; only the first has the query's words side by side.
      [chunk('adjacent', 0, 'Rooftop solar panel maintenance.', between(0, 2, 0.5))],
      [chunk('apart', 0, 'Panel maintenance, rooftop solar.', between(0, 2, 0.5))],
      // The same again, with the words in a second chunk that vector search does not rank (its first chunk matches the query vector).
      [chunk('adjacent-later', 0, 'Opening remarks.', between(0, 3, 0.005)), chunk('adjacent-later', 1, 'Wind turbine blades.', axis(3))],
      [chunk('apart-later', 0, 'Opening remarks.', between(0, 3, 0.005)), chunk('apart-later', 1, 'Turbine blades, wind.', axis(3))],
      // Distractors closer to the query than anything above, so vector search alone fills its depth with them.
      ...Array.from({ length: 60 }, (_, i) => [chunk(`near-${String(i).padStart(2, '0')}`, 0, `Unrelated note number ${i}.`, between(0, 3, 0.01))]),
    ];
    await index.upsert(documents.flat());
    await index.upsertDocuments(documents.map((chunks) => documentOf(chunks)));
    sut = new SearchService(index, queryEmbedder, scoringWith());
    cosineOf = async (chunkId) => {
      const documentId = chunkId.split('#')[0]!;
      const hits = await index.vectorSearch(axis(0), { tenant, documentIds: [documentId] }, 10);
      return hits.find((hit) => hit.chunk.id === chunkId)!.score;
    };
  });
  afterAll(async () => {
    await index?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers each document once, with its most similar chunk', async () => {
    const hits = await sut.search(tenant, request('glacier lakes', { limit: 100 }));
    const glacier = hits.filter((hit) => hit.documentId === 'glacier');
    expect(glacier.map((hit) => hit.chunkId)).toEqual(['glacier#1']);
  });

  it('answers every chunk it found when the request groups by chunk, each with its own cosine and its document\'s BM25', async () => {
    const hits = await sut.search(tenant, request('glacier lakes', { limit: 100, groupBy: 'chunk' }));
    const glacier = hits.filter((hit) => hit.documentId === 'glacier');
    expect(glacier.map((hit) => hit.chunkId)).toEqual(['glacier#1', 'glacier#0']);
    const share = glacier[0]!.score - fusedScore(scoringWith(), await cosineOf('glacier#1'), 0);
    expect(share).toBeGreaterThan(0);
    expect(glacier[1]!.score).toBeCloseTo(fusedScore(scoringWith(), await cosineOf('glacier#0'), 0) + share, 5);
  });

  it('fuses the cosine with the BM25 share of the best lexical match (mode=standard)', async () => {
    const hits = await sut.search(tenant, request('permafrost methane', { limit: 3 }));
    // The only lexical match holds the whole lexical share, which outweighs any cosine alone.
    expect(hits[0]!.documentId).toBe('lexical');
    expect(hits[0]!.score).toBeCloseTo(fusedScore(scoringWith(), await cosineOf('lexical#0'), 1), 5);
    for (const hit of hits.slice(1)) expect(hit.score).toBeCloseTo(fusedScore(scoringWith(), await cosineOf(hit.chunkId), 0), 5);
  });

  it('ranks by cosine alone in mode=fast, so a document only BM25 would find is not there', async () => {
    const hits = await sut.search(tenant, request('permafrost methane', { mode: 'fast', limit: 10 }));
    expect(hits.map((hit) => hit.documentId)).not.toContain('lexical');
    for (const hit of hits) expect(hit.score).toBeCloseTo(await cosineOf(hit.chunkId), 5);
    expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));
  });

  it('applies the thresholds to the fused score', async () => {
    const all = await sut.search(tenant, request('permafrost methane glacier', { limit: 100 }));
    const cut = all[1]!.score;
    const above = await sut.search(tenant, request('permafrost methane glacier', { limit: 100, minScore: cut }));
    expect(above.length).toBeGreaterThanOrEqual(2);
    expect(above.every((hit) => hit.score >= cut)).toBe(true);
    const below = await sut.search(tenant, request('permafrost methane glacier', { limit: 100, maxScore: cut - 1e-6 }));
    expect(below.every((hit) => hit.score < cut)).toBe(true);
    expect(below.map((hit) => hit.documentId)).not.toContain(all[0]!.documentId);
  });

  it('holds the thresholds on the scores it answers with: a score it showed, passed back as both bounds, keeps its hit', async () => {
    const all = await sut.search(tenant, request('permafrost methane glacier', { limit: 100 }));
    for (const shown of all.slice(0, 3)) {
      const exactly = await sut.search(tenant, request('permafrost methane glacier', { limit: 100, minScore: shown.score, maxScore: shown.score }));
      expect(exactly.map((hit) => hit.chunkId)).toContain(shown.chunkId);
      expect(exactly.every((hit) => hit.score === shown.score)).toBe(true);
    }
  });

  it('weighs the two sides as configured', async () => {
    const vectorOnly = new SearchService(index, queryEmbedder, scoringWith({ lexicalWeight: 0 }));
    const hits = await vectorOnly.search(tenant, request('permafrost methane', { limit: 100 }));
    expect(hits.find((hit) => hit.documentId === 'lexical')!.score).toBeCloseTo(await cosineOf('lexical#0'), 5);
  });

  it('gives a document with the query words side by side the adjacency part of the lexical share', async () => {
    const hits = await sut.search(tenant, request('solar panel', { limit: 100 }));
    const adjacent = hits.find((hit) => hit.documentId === 'adjacent')!;
    const apart = hits.find((hit) => hit.documentId === 'apart')!;
    const { lexicalWeight, adjacencyWeight } = scoringWith();
    expect(adjacent.score - apart.score).toBeCloseTo(lexicalWeight * adjacencyWeight, 5);
    expect(hits[0]!.documentId).toBe('adjacent');
  });

  it('counts adjacency in every chunk the search holds of a document, not only those vector search ranked', async () => {
    const hits = await sut.search(tenant, request('wind turbine', { limit: 10 }));
    const adjacent = hits.find((hit) => hit.documentId === 'adjacent-later')!;
    const apart = hits.find((hit) => hit.documentId === 'apart-later')!;
    expect(adjacent.chunkId).toBe('adjacent-later#0');
    const { lexicalWeight, adjacencyWeight } = scoringWith();
    expect(adjacent.score - apart.score).toBeCloseTo(lexicalWeight * adjacencyWeight, 5);
  });

  it('ignores adjacency in mode=fast', async () => {
    const hits = await sut.search(tenant, request('solar panel', { mode: 'fast', limit: 100 }));
    expect(hits.find((hit) => hit.documentId === 'adjacent')!.score).toBe(hits.find((hit) => hit.documentId === 'apart')!.score);
  });

  it('leaves BM25 alone when adjacency is off, or when no candidate has two query words side by side', async () => {
    const withoutAdjacency = new SearchService(index, queryEmbedder, scoringWith({ adjacencyWeight: 0 }));
    const hits = await withoutAdjacency.search(tenant, request('solar panel', { limit: 100 }));
    expect(hits.find((hit) => hit.documentId === 'adjacent')!.score).toBe(hits.find((hit) => hit.documentId === 'apart')!.score);
    // "maintenance solar" is side by side nowhere: both keep the whole BM25 share they had.
    const noPair = await sut.search(tenant, request('maintenance solar', { limit: 100 }));
    const fullShare = fusedScore(scoringWith(), await cosineOf('adjacent#0'), 1);
    expect(noPair.find((hit) => hit.documentId === 'adjacent')!.score).toBeCloseTo(fullShare, 5);
    expect(noPair.find((hit) => hit.documentId === 'apart')!.score).toBeCloseTo(fullShare, 5);
  });

  it('finds nothing of another tenant', async () => {
    expect(await sut.search({ userId: 'bob', organizationId: null }, request('permafrost glacier'))).toEqual([]);
  });
});

describe('hybrid fusion', () => {
  it('takes BM25 as a share of the best score of the same query, 0 when nothing matched', () => {
    expect(lexicalShare(3, 12)).toBe(0.25);
    expect(lexicalShare(12, 12)).toBe(1);
    expect(lexicalShare(0, 12)).toBe(0);
    expect(lexicalShare(5, 0)).toBe(0);
  });

  it('gives adjacency its part of the lexical share, and BM25 all of it without adjacency', () => {
    const scoring = scoringWith({ adjacencyWeight: 0.2 });
    expect(lexicalEvidence(scoring, 0.5, null)).toBe(0.5);
    expect(lexicalEvidence(scoring, 0.5, 1)).toBeCloseTo(0.8 * 0.5 + 0.2, 10);
    expect(lexicalEvidence(scoring, 1, 1)).toBe(1);
  });

  it('reads every weight from the environment, leaving the unset ones to the defaults', () => {
    const scoring = scoringWith(scoringFromEnv({ SEARCH_LEXICAL_WEIGHT: 0.3, SEARCH_TITLE_BOOST: undefined, SEARCH_ADJACENCY_WEIGHT: 0.2, SEARCH_SPEAKER_BOOST: 0.1 }));
    expect(scoring).toEqual({ lexicalWeight: 0.3, titleBoost: 0, adjacencyWeight: 0.2, speakerBoost: 0.1 });
  });

  it('keeps the fused score within 0..1 and honours the weight', () => {
    const scoring = scoringWith({ lexicalWeight: 0.25 });
    expect(fusedScore(scoring, 1, 1)).toBe(1);
    expect(fusedScore(scoring, 0, 0)).toBe(0);
    expect(fusedScore(scoring, 0.8, 0.4)).toBeCloseTo(0.75 * 0.8 + 0.25 * 0.4, 10);
  });
});
