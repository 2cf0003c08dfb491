import { describe, expect, it } from 'vitest';
import type { ChunkRecord } from '../search-index.port';
import { makeChunk, TENANT_A, TENANT_B, unitVector } from '../testing/contract-fixtures';
import { chunkPayload } from './chunk-payload';
import { ownRowsByCosine } from './own-rows';
import { tenantId } from './tenant-id';

/** A row as LanceDB returns it: the vector column arrives as an Arrow vector. */
const rowOf = (chunk: ChunkRecord) => ({
  text: chunk.text,
  payload: chunkPayload(chunk),
  tenant_id: tenantId(chunk.tenant),
  vector: { toArray: () => chunk.vector },
});

describe(ownRowsByCosine.name, () => {
  const query = unitVector(1, 0);

  it("keeps only the tenant's rows, scored by exact cosine, best first", () => {
    const near = makeChunk({ documentId: 'near', vector: unitVector(1, 0.1) });
    const far = makeChunk({ documentId: 'far', vector: unitVector(0.2, 1) });
    const otherTenants = makeChunk({ tenant: TENANT_B, documentId: 'near', vector: unitVector(1, 0) });

    const hits = ownRowsByCosine([far, otherTenants, near].map(rowOf), TENANT_A, query);

    expect(hits.map((hit) => hit.chunk.id)).toEqual([near.id, far.id]);
    expect(hits[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.1), 6);
    expect(hits[1]!.score).toBeCloseTo(0.2 / Math.hypot(0.2, 1), 6);
  });

  it('orders equal scores by chunk id and clamps opposite vectors to 0', () => {
    const chunks = ['c', 'a', 'b'].map((documentId) => makeChunk({ documentId, vector: unitVector(-1, 0) }));

    const hits = ownRowsByCosine(chunks.map(rowOf), TENANT_A, query);

    expect(hits.map((hit) => hit.chunk.id)).toEqual(chunks.map((chunk) => chunk.id).sort());
    expect(hits.map((hit) => hit.score)).toEqual([0, 0, 0]);
  });
});
