import type { Tenant } from '@recollect/contracts';
import type { ScoredChunk } from '../search-index.port';
import { rowToChunk } from './chunk-table-schema';
import { clampedCosine } from './clamped-cosine';
import { tenantId } from './tenant-id';

// For reads that do not filter on the tenant in the engine and check each row's tenant here instead.
// They skip the tenant's B-tree, which answers with every row of the tenant: at 100k rows of one tenant
// that lookup alone took 2.3 ms of a 9 ms read of 50 documents' chunks.

/** What a read scored here selects beside the chunk's own columns (text and payload). */
export const OWN_ROW_COLUMNS = ['tenant_id', 'vector'];

type Row = Record<string, unknown>;

interface RankedRow {
  row: Row;
  hit: ScoredChunk;
}

/** The tenant's rows, each scored by its exact cosine to the query, best first (ties by chunk id). */
export function ownRowsByCosine(rows: readonly Row[], tenant: Tenant, query: Float32Array): ScoredChunk[] {
  const own = tenantId(tenant);
  return rankByCosine(rows.filter((row) => row.tenant_id === own), tenant, query).map(({ hit }) => hit);
}

/**
 * The `limit` rows nearest the query by exact cosine, best first, if every one of them is the tenant's;
 * undefined if fewer were read or any is another tenant's (the caller then searches the tenant's rows alone).
 */
export function nearestIfAllOwn(rows: readonly Row[], tenant: Tenant, query: Float32Array, limit: number): ScoredChunk[] | undefined {
  const own = tenantId(tenant);
  const nearest = rankByCosine(rows, tenant, query).slice(0, limit);
  return nearest.length === limit && nearest.every(({ row }) => row.tenant_id === own) ? nearest.map(({ hit }) => hit) : undefined;
}

/**
 * Every row read back as a chunk, best first (ties by chunk id). Each is stamped with the asking tenant,
 * whoever owns it, so only rows checked to be the tenant's may leave this file.
 */
function rankByCosine(rows: readonly Row[], tenant: Tenant, query: Float32Array): RankedRow[] {
  return rows
    .map((row) => ({ row, hit: { chunk: rowToChunk(row, tenant), score: clampedCosine(query, (row.vector as { toArray(): Float32Array }).toArray()) } }))
    .sort((a, b) => b.hit.score - a.hit.score || a.hit.chunk.id.localeCompare(b.hit.chunk.id));
}
