import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '@recollect/embedder';
import { LanceDbSearchIndex, type ChunkRecord } from '@recollect/search-index';
import { boostedScore, scoringWith, type SearchScoring } from '../search/hybrid-fusion';
import { SearchService } from '../search/search.service';
import { RetrieveService } from './retrieve.service';

const tenant = { userId: 'alice', organizationId: null };
const embedder = new HashingEmbedder();

async function memoryChunk(sessionId: string, messageId: string, text: string, occurredAt: string, agentId?: string, speaker = 'Caroline'): Promise<ChunkRecord> {
  const [vector] = await embedder.embed([text]);
  return {
    id: `${sessionId}/${messageId}`,
    tenant,
    documentId: `doc-${sessionId}/${messageId}`,
    chunkIndex: 0,
    text,
    vector: vector!,
    source: `memory:${sessionId}`,
    contextType: 'conversation',
    scope: 'internal',
    fileName: null,
    fileType: null,
    groupName: agentId ? ['memory', `agent:${agentId}`] : ['memory'],
    lastModified: occurredAt,
    fileSize: null,
    metadata: {
      sessionId,
      messageId,
      role: 'user',
      speaker,
      occurredAt,
      dia_id: `D:${messageId}`,
      context_id: sessionId,
      document_id: `doc-${sessionId}/${messageId}`,
      chunk_index: 0,
      chunk_count: 1,
    },
    createdAt: occurredAt,
    updatedAt: occurredAt,
  };
}

describe(RetrieveService.name, () => {
  let directory: string;
  let index: LanceDbSearchIndex;
  let sut: RetrieveService;
  let scoring: SearchScoring;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'recollect-retrieve-'));
    index = new LanceDbSearchIndex({ directory });
    await index.open({ modelId: embedder.modelId, dimension: embedder.dimension });
    const document = await memoryChunk('docs', 'x', 'The pottery class schedule document.', '2025-01-01T00:00:00.000Z');
    await index.upsert([
      await memoryChunk('s1', 'm1', 'I signed up for a pottery class downtown.', '2025-01-01T10:00:00.000Z', 'bot'),
      await memoryChunk('s1', 'm2', 'The weather was rainy all week.', '2025-01-02T10:00:00.000Z', 'bot'),
      await memoryChunk('s2', 'm1', 'Pottery is my favourite hobby.', '2025-03-01T10:00:00.000Z', 'other-bot'),
      // Word for word the same message, said by each of two speakers.
      await memoryChunk('s3', 'm1', 'We went camping by the lake.', '2025-04-01T10:00:00.000Z', undefined, 'Caroline'),
      await memoryChunk('s3', 'm2', 'We went camping by the lake.', '2025-04-01T10:01:00.000Z', undefined, 'Melanie'),
      // A Context API document that happens to carry the memory tag is not a message.
      { ...document, id: 'doc', documentId: 'doc', source: 'uploads', metadata: { context_id: 'ctx' } },
    ]);
    scoring = scoringWith({ speakerBoost: 0.2 });
    sut = new RetrieveService(new SearchService(index, embedder, scoring), scoring);
  });
  afterAll(async () => {
    await index?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers messages with their cosine, their fused score, when they occurred and their metadata', async () => {
    const items = await sut.retrieve(tenant, { query: 'pottery class', limit: 10 });
    expect(items.map((i) => `${i.metadata.sessionId}/${i.id}`)).toEqual(expect.arrayContaining(['s1/m1', 's2/m1']));
    expect(items.map((i) => i.id)).not.toContain('x');
    const first = items[0]!;
    expect(first).toMatchObject({
      id: 'm1',
      text: 'I signed up for a pottery class downtown.',
      occurredAt: '2025-01-01T10:00:00.000Z',
      metadata: { sessionId: 's1', speaker: 'Caroline', dia_id: 'D:m1' },
    });
    expect(first.metadata).not.toHaveProperty('document_id');
    const [cosine] = await index.vectorSearch((await embedder.embed(['pottery class']))[0]!, { tenant, documentIds: ['doc-s1/m1'] }, 1);
    expect(first.vectorScore).toBeCloseTo(cosine!.score, 5);
    expect(first.finalScore).toBeGreaterThan(0);
    expect(first.finalScore).toBeLessThanOrEqual(1);
  });

  it('fills the limit with messages even when a tagged document ranks above them', async () => {
    const [top] = await sut.retrieve(tenant, { query: 'The pottery class schedule document.', limit: 1 });
    expect(top).toMatchObject({ id: 'm1', metadata: { sessionId: 's1' } });
  });

  it('filters by session, agent and time range', async () => {
    expect((await sut.retrieve(tenant, { query: 'pottery', limit: 10, sessionId: 's2' })).map((i) => i.metadata.sessionId)).toEqual(['s2']);
    expect((await sut.retrieve(tenant, { query: 'pottery', limit: 10, agentId: 'bot' })).every((i) => i.metadata.sessionId === 's1')).toBe(true);
    const inFebruary = await sut.retrieve(tenant, {
      query: 'pottery',
      limit: 10,
      occurredFrom: '2025-02-01T00:00:00.000Z',
      occurredTo: '2025-03-31T00:00:00.000Z',
    });
    expect(inFebruary.map((i) => i.metadata.sessionId)).toEqual(['s2']);
  });

  it('ranks the messages of a speaker the query names above the same words from someone else', async () => {
    for (const [speaker, other] of [['Melanie', 'Caroline'], ['Caroline', 'Melanie']] as const) {
      const items = await sut.retrieve(tenant, { query: `Where did ${speaker} go camping?`, limit: 2, sessionId: 's3' });
      expect(items.map((i) => i.metadata.speaker)).toEqual([speaker, other]);
      const [named, unnamed] = items;
      expect(named!.vectorScore).toBeCloseTo(unnamed!.vectorScore, 6);
      expect(named!.finalScore).toBeCloseTo(boostedScore(unnamed!.finalScore, scoring.speakerBoost), 5);
    }
  });

  it('ranks by search alone when the speaker boost is off, as it is by default', async () => {
    const unboosted = scoringWith();
    expect(unboosted.speakerBoost).toBe(0);
    const plain = new RetrieveService(new SearchService(index, embedder, unboosted), unboosted);
    const items = await plain.retrieve(tenant, { query: 'Where did Melanie go camping?', limit: 2, sessionId: 's3' });
    expect(items[0]!.finalScore).toBeCloseTo(items[1]!.finalScore, 6);
  });

  it('finds nothing of another tenant', async () => {
    expect(await sut.retrieve({ userId: 'bob', organizationId: null }, { query: 'pottery', limit: 10 })).toEqual([]);
  });
});
