import { tenantKey, type Tenant } from '@recollect/contracts';
import type { ChunkRecord, DocumentRecord, IndexIdentity, ScoredChunk } from '../search-index.port';

/** Small on purpose: the contract is about behaviour, not embeddings. */
export const CONTRACT_DIMENSION = 8;
export const CONTRACT_IDENTITY: IndexIdentity = { modelId: 'contract-test-model', dimension: CONTRACT_DIMENSION };

export const TENANT_A: Tenant = { userId: 'user-1', organizationId: 'org-1' };
/** Same user as A without an organisation: a null organisation is its own tenant. */
export const TENANT_B: Tenant = { userId: 'user-1', organizationId: null };
export const TENANT_C: Tenant = { userId: 'user-2', organizationId: 'org-1' };
export const TENANT_D: Tenant = { userId: 'user-1', organizationId: 'org-2' };

/** A unit-length vector from the given leading components (the rest are zero). */
export function unitVector(...components: number[]): Float32Array {
  if (components.length > CONTRACT_DIMENSION) throw new Error('Too many components');
  const vector = new Float32Array(CONTRACT_DIMENSION);
  vector.set(components);
  const norm = Math.hypot(...vector);
  if (norm === 0) throw new Error('A zero vector has no direction');
  return vector.map((value) => value / norm);
}

/** A deterministic pseudo-random unit vector, so unrelated chunks get unrelated directions. */
export function seededVector(seed: string): Float32Array {
  let state = 2166136261;
  for (const char of seed) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
  const components = Array.from({ length: CONTRACT_DIMENSION }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
  return unitVector(...components);
}

export type ChunkInput = Partial<ChunkRecord> & { documentId: string };

/** A complete chunk with plausible defaults; the id is deterministic like the service's. */
export function makeChunk(input: ChunkInput): ChunkRecord {
  const tenant = input.tenant ?? TENANT_A;
  const chunkIndex = input.chunkIndex ?? 0;
  const at = '2024-02-01T00:00:00.000Z';
  return {
    id: `${tenantKey(tenant)}|${input.documentId}|${chunkIndex}`,
    tenant,
    chunkIndex,
    text: `Chunk ${chunkIndex} of document ${input.documentId}`,
    vector: seededVector(`${tenantKey(tenant)}|${input.documentId}|${chunkIndex}`),
    source: 'api',
    contextType: 'resource',
    scope: 'internal',
    fileName: `${input.documentId}.txt`,
    fileType: 'text/plain',
    groupName: [],
    lastModified: '2024-01-15T10:00:00.000Z',
    fileSize: 1234,
    metadata: { origin: 'contract' },
    createdAt: at,
    updatedAt: at,
    ...input,
  };
}

/** `count` chunks of one document sharing its fields; `texts` (if given) sets each chunk's text. */
export function makeDocument(input: ChunkInput & { count?: number; texts?: string[] }): ChunkRecord[] {
  const { count, texts, ...fields } = input;
  const total = texts?.length ?? count ?? 1;
  return Array.from({ length: total }, (_, chunkIndex) => makeChunk({ ...fields, chunkIndex, ...(texts ? { text: texts[chunkIndex] } : {}) }));
}

/** What the index hands back: the chunk without its vector. */
export function withoutVector(chunk: ChunkRecord): Omit<ChunkRecord, 'vector'> {
  const { vector: _vector, ...rest } = chunk;
  return rest;
}

export const idsOf = (results: ReadonlyArray<ScoredChunk>): string[] => results.map((result) => result.chunk.id);

export const documentIdsOf = (chunks: ReadonlyArray<{ documentId: string }>): string[] => [...new Set(chunks.map((chunk) => chunk.documentId))].sort();

/** The document record matching a document's chunks: same filter fields, their texts joined. */
export function documentRecordOf(chunks: readonly ChunkRecord[], fields: Partial<Pick<DocumentRecord, 'title' | 'text'>> = {}): DocumentRecord {
  const first = chunks[0];
  if (!first) throw new Error('A document needs at least one chunk');
  return {
    tenant: first.tenant,
    documentId: first.documentId,
    source: first.source,
    contextType: first.contextType,
    scope: first.scope,
    fileName: first.fileName,
    fileType: first.fileType,
    groupName: first.groupName,
    lastModified: first.lastModified,
    createdAt: first.createdAt,
    updatedAt: first.updatedAt,
    title: fields.title ?? null,
    text: fields.text ?? chunks.map((chunk) => chunk.text).join(' '),
  };
}

/** A document record on its own, with the defaults of makeChunk. */
export function makeDocumentRecord(input: ChunkInput & Partial<Pick<DocumentRecord, 'title' | 'text'>>): DocumentRecord {
  const { title, text, ...chunk } = input;
  return documentRecordOf([makeChunk(chunk)], { title: title ?? null, text: text ?? `Document ${input.documentId}` });
}
