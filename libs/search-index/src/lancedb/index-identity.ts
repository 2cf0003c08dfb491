import { DomainError, ErrorCode } from '@recollect/contracts';
import type { IndexIdentity } from '../search-index.port';

export function assertValidIdentity(identity: IndexIdentity): void {
  if (typeof identity.modelId !== 'string' || identity.modelId.length === 0) {
    throw new DomainError(ErrorCode.ValidationFailed, 'Index identity needs a non-empty modelId');
  }
  if (!Number.isInteger(identity.dimension) || identity.dimension <= 0) {
    throw new DomainError(ErrorCode.ValidationFailed, `Index dimension must be a positive integer, got ${identity.dimension}`);
  }
}

const describeIdentity = (modelId: string | null, dimension: number | null): string => `model "${modelId ?? 'unknown'}" (dimension ${dimension ?? 'unknown'})`;

/** Vectors from different models live in unrelated spaces, so mixing them would silently ruin search. */
export function indexMismatchError(location: string, stored: { modelId: string | null; dimension: number | null }, requested: IndexIdentity): DomainError {
  return new DomainError(
    ErrorCode.IndexMismatch,
    `The search index at ${location} was built with ${describeIdentity(stored.modelId, stored.dimension)}, ` +
      `but the embedder is ${describeIdentity(requested.modelId, requested.dimension)}. ` +
      'Vectors from different models cannot be searched together. Either point DATA_DIR at another folder, ' +
      'or delete the index folder so it is rebuilt (documents must then be ingested again).',
    { location, stored, requested },
  );
}
