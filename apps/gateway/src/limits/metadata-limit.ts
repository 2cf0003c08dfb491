import { DomainError, ErrorCode, MAX_METADATA_BYTES } from '@recollect/contracts';

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');

/**
 * Every chunk of a document or message keeps its own copy of the metadata: a 413 unless `value`
 * takes at most MAX_METADATA_BYTES as JSON, so no call can multiply megabytes of it into the index
 * (and into every answer that shows it). Checked on validated input, whose nesting the depth rule bounds.
 */
export function assertMetadataWithinLimit(field: string, value: unknown, what: string): void {
  const bytes = value && typeof value === 'object' ? jsonBytes(value) : 0;
  if (bytes <= MAX_METADATA_BYTES) return;
  throw new DomainError(ErrorCode.PayloadTooLarge, `${field}: ${what} must take at most ${MAX_METADATA_BYTES / 1024} KiB as JSON, as every chunk keeps a copy (got ${bytes} bytes)`, {
    field,
    limit: MAX_METADATA_BYTES,
  });
}
