import { effectiveFileName, type AddContextCommand } from '@recollect/contracts';
import { chunkId } from '../chunking/chunk-id';

/** Everything known about one document of an add command before it is chunked. */
export interface PlannedDocument {
  id: string;
  position: number;
  content: string;
  fileName: string | null;
  fileType: string | null;
  groupName: string[];
  lastModified: string | null;
  fileSize: number | null;
  metadata: Record<string, unknown>;
  parentIds: string[];
  childIds: string[];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const iso = (v: unknown): string | null => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null);

/** Per-document fields win over the call's metadata; chained documents link to their neighbours. */
export function planDocuments(command: AddContextCommand): PlannedDocument[] {
  const ids = command.documents.map((_, i) => chunkId([command.contextId, String(i)]));
  return command.documents.map((doc, i) => {
    const merged: Record<string, unknown> = { ...command.metadata, ...doc.metadata };
    const groups = Array.isArray(merged.groupName) ? merged.groupName.filter((g): g is string => typeof g === 'string') : [];
    return {
      id: ids[i]!,
      position: i,
      content: doc.content,
      fileName: effectiveFileName(merged),
      fileType: str(merged.fileType) ?? str(merged.doc_type),
      groupName: groups,
      lastModified: iso(merged.lastModified),
      fileSize: num(merged.fileSize) ?? num(merged.size),
      metadata: merged,
      parentIds: command.chained && i > 0 ? [ids[i - 1]!] : [],
      childIds: command.chained && i < ids.length - 1 ? [ids[i + 1]!] : [],
    };
  });
}
