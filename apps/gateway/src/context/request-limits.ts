import { DomainError, ErrorCode, MAX_DOCUMENTS_PER_CALL, MAX_METADATA_BYTES } from '@recollect/contracts';

/** Checked before validation so an oversized call gets 413, not a list of 400 complaints. */
export function assertWithinDocumentLimit(body: unknown): void {
  const documents = (body as { documents?: unknown } | null)?.documents;
  if (Array.isArray(documents) && documents.length > MAX_DOCUMENTS_PER_CALL) {
    throw new DomainError(ErrorCode.PayloadTooLarge, `documents: at most ${MAX_DOCUMENTS_PER_CALL} documents per call (got ${documents.length})`, {
      field: 'documents',
      limit: MAX_DOCUMENTS_PER_CALL,
    });
  }
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');

/**
 * Every chunk keeps a copy of the call's metadata and of its document's fields besides `content`:
 * each may take MAX_METADATA_BYTES as JSON. Checked on the validated body, whose nesting the depth
 * rule has bounded.
 */
export function assertWithinMetadataLimit(body: unknown): void {
  const { metadata, documents } = (body ?? {}) as { metadata?: unknown; documents?: unknown };
  const tooLarge = (field: string, bytes: number, what: string) =>
    new DomainError(ErrorCode.PayloadTooLarge, `${field}: ${what} must take at most ${MAX_METADATA_BYTES / 1024} KiB as JSON, as every chunk keeps a copy (got ${bytes} bytes)`, {
      field,
      limit: MAX_METADATA_BYTES,
    });
  const metadataBytes = metadata && typeof metadata === 'object' ? jsonBytes(metadata) : 0;
  if (metadataBytes > MAX_METADATA_BYTES) throw tooLarge('metadata', metadataBytes, 'the metadata');
  if (!Array.isArray(documents)) return;
  documents.forEach((document: unknown, i) => {
    if (!document || typeof document !== 'object' || Array.isArray(document)) return;
    const bytes = jsonBytes({ ...document, content: undefined });
    if (bytes > MAX_METADATA_BYTES) throw tooLarge(`documents[${i}]`, bytes, "a document's fields besides content");
  });
}
