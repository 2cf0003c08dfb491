import { describe, expect, it } from 'vitest';
import type { ChunkRecord } from '../search-index.port';
import { makeChunk, TENANT_A, TENANT_B, unitVector } from '../testing/contract-fixtures';
import { chunkPayload } from './chunk-payload';
import { nearestIfAllOwn, ownRowsByCosine } from './own-rows';
import { tenantId } from './tenant-id';

/** A row as LanceDB returns it: the vector column arrives as an Arrow vector. */
const rowOf = (chunk: ChunkRecord, tenant: string | null = tenantId(chunk.tenant)) => ({
  text: chunk.text,
  payload: chunkPayload(chunk),
  tenant_id: tenant,
  vector: { toArray: () => chunk.vector },
});

const query = unitVector(1, 0);
const idsOf = (hits: ReadonlyArray<{ chunk: { id: string } }> | undefined) => hits?.map((hit) => hit.chunk.id);

describe(ownRowsByCosine.name, () => {
  it("keeps only the tenant's rows, scored by exact cosine, best first", () => {
    const near = makeChunk({ documentId: 'near', vector: unitVector(1, 0.1) });
    const far = makeChunk({ documentId: 'far', vector: unitVector(0.2, 1) });
    const otherTenants = makeChunk({ tenant: TENANT_B, documentId: 'near', vector: unitVector(1, 0) });
    const withoutTenant = makeChunk({ documentId: 'unknown', vector: unitVector(1, 0) });

    const hits = ownRowsByCosine([rowOf(far), rowOf(otherTenants), rowOf(near), rowOf(withoutTenant, null)], TENANT_A, query);

    expect(idsOf(hits)).toEqual([near.id, far.id]);
    expect(hits[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.1), 6);
    expect(hits[1]!.score).toBeCloseTo(0.2 / Math.hypot(0.2, 1), 6);
  });

  it('orders equal scores by chunk id and clamps opposite vectors to 0', () => {
    const chunks = ['c', 'a', 'b'].map((documentId) => makeChunk({ documentId, vector: unitVector(-1, 0) }));

    const hits = ownRowsByCosine(chunks.map((chunk) => rowOf(chunk)), TENANT_A, query);

    expect(idsOf(hits)).toEqual(chunks.map((chunk) => chunk.id).sort());
    expect(hits.map((hit) => hit.score)).toEqual([0, 0, 0]);
  });
});

describe(nearestIfAllOwn.name, () => {
  // Candidates arrive in the graph's approximate order; the exact order below is by the first component.
  const own = [0.9, 0.7, 0.5].map((x, i) => makeChunk({ documentId: `own-${i}`, vector: unitVector(x, 1 - x) }));
  const others = (x: number) => makeChunk({ tenant: TENANT_B, documentId: 'theirs', vector: unitVector(x, 1 - x) });

  it("answers the exact top `limit` when all of them are the tenant's, whatever comes after", () => {
    const rows = [own[2]!, others(0.1), own[0]!, own[1]!].map((chunk) => rowOf(chunk));

    expect(idsOf(nearestIfAllOwn(rows, TENANT_A, query, 2))).toEqual([own[0]!.id, own[1]!.id]);
    expect(idsOf(nearestIfAllOwn(rows, TENANT_A, query, 3))).toEqual([own[0]!.id, own[1]!.id, own[2]!.id]);
  });

  it("answers nothing when another tenant's row is among the exact top `limit`, even with enough of the tenant's", () => {
    const rows = [own[2]!, own[0]!, others(0.8), own[1]!].map((chunk) => rowOf(chunk));

    expect(nearestIfAllOwn(rows, TENANT_A, query, 2)).toBeUndefined();
    expect(idsOf(nearestIfAllOwn(rows, TENANT_A, query, 1))).toEqual([own[0]!.id]);
  });

  it('answers nothing when fewer than `limit` rows were read', () => {
    expect(nearestIfAllOwn(own.map((chunk) => rowOf(chunk)), TENANT_A, query, 4)).toBeUndefined();
    expect(nearestIfAllOwn([rowOf(own[0]!, null)], TENANT_A, query, 1)).toBeUndefined();
  });
});
