import { tenantKey, type Tenant } from '@recollect/contracts';
import type { OpenSearchTransport } from './opensearch-search-index';

/** Set in the documents index's `_meta` once its records carry fileType; new indices are made with it. */
export const FILE_TYPES_FILLED = 'fileTypeFilled';

/** Chunks read, and document records updated, per request. */
const PAGE = 1_000;

/** Documents are unique per tenant; the separator cannot occur in a tenant key or an id. */
export const documentRecordId = (document: { tenant: Tenant; documentId: string }): string => `${tenantKey(document.tenant)}\u0000${document.documentId}`;

interface ChunkHit {
  _source: { tenant: { userId: string; organizationId?: string | null }; documentId: string; fileType: string };
  sort: unknown[];
}

interface BulkResult {
  items: Array<Record<string, { status: number; error?: { type: string; reason: string } }>>;
}

/**
 * Gives a documents index made before document records carried fileType that field, filled from each
 * document's first chunk, so a fileType filter selects a document record exactly when it selects its
 * chunks. The flag goes into the index's `_meta` once the fill is done: a fill cut short runs again
 * at the next open, and sets the same values again without harm.
 */
export async function fillDocumentFileTypes(transport: OpenSearchTransport, chunkIndex: string, documentIndex: string): Promise<void> {
  const path = `/${encodeURIComponent(documentIndex)}`;
  const { body } = await transport.request({ method: 'GET', path: `${path}/_mapping` });
  const meta = (Object.values(body as Record<string, { mappings?: { _meta?: Record<string, unknown> } }>)[0]?.mappings?._meta ?? {}) as Record<string, unknown>;
  if (meta[FILE_TYPES_FILLED] === true) return;
  // The new field alone: fields of an index mapped otherwise (by hand) stay as they are.
  await transport.request({ method: 'PUT', path: `${path}/_mapping`, body: { properties: { fileType: { type: 'keyword' } } } });
  for (let after: unknown[] | undefined, more = true; more; ) {
    const { body: page } = await transport.request({
      method: 'POST',
      path: `/${encodeURIComponent(chunkIndex)}/_search`,
      body: {
        size: PAGE,
        track_total_hits: false,
        _source: ['tenant', 'documentId', 'fileType'],
        query: { bool: { filter: [{ term: { chunkIndex: 0 } }, { exists: { field: 'fileType' } }] } },
        sort: [{ id: 'asc' }],
        ...(after ? { search_after: after } : {}),
      },
    });
    const hits = (page as { hits: { hits: ChunkHit[] } }).hits.hits;
    if (hits.length > 0) await updateRecords(transport, documentIndex, hits);
    more = hits.length === PAGE;
    after = hits[hits.length - 1]?.sort;
  }
  await transport.request({ method: 'PUT', path: `${path}/_mapping`, body: { _meta: { ...meta, [FILE_TYPES_FILLED]: true } } });
}

async function updateRecords(transport: OpenSearchTransport, documentIndex: string, hits: ChunkHit[]): Promise<void> {
  const bulkBody = hits.flatMap(({ _source: { tenant, documentId, fileType } }) => [
    { update: { _index: documentIndex, _id: documentRecordId({ tenant: { userId: tenant.userId, organizationId: tenant.organizationId ?? null }, documentId }) } },
    { doc: { fileType } },
  ]);
  const { body } = await transport.request({ method: 'POST', path: '/_bulk', bulkBody });
  // A chunk of a document that has no record (written before document records existed) has nothing to fill.
  const failed = (body as BulkResult).items.map((item) => Object.values(item)[0]).find((outcome) => outcome?.error && outcome.status !== 404);
  if (failed) throw new Error(`OpenSearch refused to fill fileType on document records: ${failed.error!.type}: ${failed.error!.reason}`);
}
