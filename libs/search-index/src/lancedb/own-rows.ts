import type { Tenant } from '@recollect/contracts';
import type { ScoredChunk } from '../search-index.port';
import { rowToChunk } from './chunk-table-schema';
import { clampedCosine } from './clamped-cosine';
import { tenantId } from './tenant-id';

/** What a read scored by `ownRowsByCosine` selects beside the chunk's own columns. */
export const OWN_ROW_COLUMNS = ['tenant_id', 'vector'];

/**
 * The tenant's rows among those of a read that did not filter on the tenant in the engine, each scored
 * by its exact cosine to the query, best first (ties by chunk id). Such reads skip the tenant's B-tree,
 * which answers with every row of the tenant: at 100k rows of one tenant that lookup alone took 2.3 ms
 * of a 9 ms read of 50 documents' chunks.
 */
export function ownRowsByCosine(rows: ReadonlyArray<Record<string, unknown>>, tenant: Tenant, query: Float32Array): ScoredChunk[] {
  const own = tenantId(tenant);
  return rows
    .filter((row) => row.tenant_id === own)
    .map((row) => ({ chunk: rowToChunk(row, tenant), score: clampedCosine(query, (row.vector as { toArray(): Float32Array }).toArray()) }))
    .sort((a, b) => b.score - a.score || a.chunk.id.localeCompare(b.chunk.id));
}
