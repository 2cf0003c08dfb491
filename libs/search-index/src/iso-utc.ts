import { DomainError, ErrorCode } from '@recollect/contracts';

/**
 * Normalises a timestamp to ISO 8601 UTC with milliseconds, the form both engines store dates in, so
 * they compare correctly as strings (LanceDB's range filters and ordering rely on that), and a range
 * bound is not read by OpenSearch's rules for a shorter date (rounded up to the end of its day or second).
 */
export function toIsoUtc(value: string, what: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new DomainError(ErrorCode.ValidationFailed, `${what} is not a valid ISO 8601 timestamp: ${JSON.stringify(value)}`);
  }
  return new Date(time).toISOString();
}

/** toIsoUtc for a timestamp that may be absent. */
export const optionalIsoUtc = (value: string | null, what: string): string | null => (value === null ? null : toIsoUtc(value, what));
