import { DomainError, ErrorCode, MAX_DOCUMENTS_PER_CALL } from '@recollect/contracts';
import { assertMetadataWithinLimit } from '../limits/metadata-limit';

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

/** The call's metadata and each document's fields besides `content`: every chunk keeps a copy of both. */
export function assertWithinMetadataLimit(body: unknown): void {
  const { metadata, documents } = (body ?? {}) as { metadata?: unknown; documents?: unknown };
  assertMetadataWithinLimit('metadata', metadata, 'the metadata');
  if (!Array.isArray(documents)) return;
  documents.forEach((document: unknown, i) => {
    if (!document || typeof document !== 'object' || Array.isArray(document)) return;
    assertMetadataWithinLimit(`documents[${i}]`, { ...document, content: undefined }, "a document's fields besides content");
  });
}
