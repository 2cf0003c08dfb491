import { DomainError, ErrorCode } from '@recollect/contracts';

/** BusUnavailable maps to 503 at the gateway: the caller may retry later. */
export function busUnavailable(reason: string): DomainError {
  return new DomainError(ErrorCode.BusUnavailable, `Bus unavailable: ${reason}`);
}
