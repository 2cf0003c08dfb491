import { DomainError, ErrorCode, MAX_DOCUMENTS_PER_CALL } from '@recollect/contracts';

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
