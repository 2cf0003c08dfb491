/** A failed call to a remote embeddings endpoint; `retryable` marks failures worth another attempt (429, 5xx, network, timeout). */
export class EmbeddingRequestError extends Error {
  override readonly name = 'EmbeddingRequestError';
  readonly url: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** Server-requested wait from a Retry-After header. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: { url: string; status?: number; retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.url = details.url;
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
  }
}
