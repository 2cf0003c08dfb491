import type { DocumentSummary } from '../search-index.port';
import { optionalString, toStringArray } from './chunk-table-schema';

/** Only what a summary needs: no text, no vectors. */
export const SUMMARY_COLUMNS = ['document_id', 'chunk_index', 'file_name', 'file_type', 'group_name', 'source', 'last_modified', 'file_size', 'created_at'];

/**
 * One summary per document, described by its first chunk (lowest chunk index), ordered like
 * listChunks: by createdAt, then documentId. LanceDB has no GROUP BY, so rows are grouped here.
 */
export function summariseDocuments(rows: ReadonlyArray<Record<string, unknown>>): DocumentSummary[] {
  const byDocument = new Map<string, { first: Record<string, unknown>; count: number }>();
  for (const row of rows) {
    const documentId = String(row.document_id);
    const seen = byDocument.get(documentId);
    if (!seen) byDocument.set(documentId, { first: row, count: 1 });
    else {
      seen.count += 1;
      if (Number(row.chunk_index) < Number(seen.first.chunk_index)) seen.first = row;
    }
  }
  const summaries = [...byDocument.entries()].map(([documentId, { first, count }]) => ({
    documentId,
    fileName: optionalString(first.file_name),
    fileType: optionalString(first.file_type),
    groupName: toStringArray(first.group_name),
    source: String(first.source),
    lastModified: optionalString(first.last_modified),
    fileSize: first.file_size === null || first.file_size === undefined ? null : Number(first.file_size),
    chunkCount: count,
    createdAt: String(first.created_at),
  }));
  return summaries.sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.documentId, b.documentId));
}

/** Plain code-unit order, the same order LanceDB sorts strings in (localeCompare would differ). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
