/** Domain error codes. One filter per transport maps them to status codes and envelopes. */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  DuplicateFile = 'DUPLICATE_FILE',
  JobRunning = 'JOB_RUNNING',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  RateLimited = 'RATE_LIMITED',
  BusUnavailable = 'BUS_UNAVAILABLE',
  Timeout = 'TIMEOUT',
  IndexMismatch = 'INDEX_MISMATCH',
  Internal = 'INTERNAL',
}

export const httpStatusOf: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.DuplicateFile]: 409,
  [ErrorCode.JobRunning]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.BusUnavailable]: 503,
  [ErrorCode.Timeout]: 504,
  [ErrorCode.IndexMismatch]: 503,
  [ErrorCode.Internal]: 500,
};

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }

  static fromBody(body: ErrorBody): DomainError {
    return new DomainError(body.code, body.message, body.details);
  }
}

/** What a request/reply handler answers: errors cross the bus as data, never as exceptions. */
export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Runs a handler and turns its outcome, including domain errors, into a reply; other errors propagate. */
export async function toRpcReply<T>(work: () => Promise<T>): Promise<RpcReply<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: error.toBody() };
    throw error;
  }
}
