import { setTimeout as sleep } from 'node:timers/promises';
import type { Embedder } from '../embedder.port';
import { l2Normalize } from '../vector-math';
import { EmbeddingRequestError } from './embedding-request.error';

export interface OpenAiCompatibleEmbedderOptions {
  /** API root including its version segment, e.g. `https://api.openai.com/v1` or `http://tei:8080/v1`; `/embeddings` is appended. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** The model's output size; every returned vector is checked against it. */
  dimension: number;
  /** Default 200: safe for the common 512-token encoders served by TEI and Ollama. */
  maxInputWords?: number;
  /** Default 32: TEI's default max_client_batch_size. */
  batchSize?: number;
  timeoutMs?: number;
  /** Extra attempts after a 429, 5xx, network error or timeout. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, jittered, capped at 10 s. */
  retryBaseDelayMs?: number;
}

const MAX_BACKOFF_MS = 10_000;
const MAX_RETRY_AFTER_MS = 30_000;
const ERROR_BODY_PREVIEW_CHARS = 300;

/** Any server speaking OpenAI's `POST /v1/embeddings` (OpenAI, TEI, Ollama, vLLM, LiteLLM...). */
export class OpenAiCompatibleEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimension: number;
  readonly maxInputWords: number;

  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly model: string;
  private readonly batchSize: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;

  constructor(options: OpenAiCompatibleEmbedderOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
    this.model = options.model;
    this.dimension = options.dimension;
    this.maxInputWords = options.maxInputWords ?? 200;
    this.batchSize = options.batchSize ?? 32;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
    this.modelId = `openai:${options.model}/${options.dimension}`;
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.apiKey) this.headers.authorization = `Bearer ${options.apiKey}`;
    for (const [name, value] of Object.entries({ dimension: this.dimension, batchSize: this.batchSize, timeoutMs: this.timeoutMs })) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) throw new RangeError(`maxRetries must be a non-negative integer, got ${this.maxRetries}`);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      // OpenAI rejects empty strings; a space embeds as "nothing" everywhere.
      const batch = texts.slice(start, start + this.batchSize).map((text) => (text.trim() === '' ? ' ' : text));
      vectors.push(...(await this.requestWithRetries(batch)));
    }
    return vectors;
  }

  private async requestWithRetries(batch: string[]): Promise<Float32Array[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.requestOnce(batch);
      } catch (error) {
        if (!(error instanceof EmbeddingRequestError) || !error.retryable || attempt >= this.maxRetries) throw error;
        await sleep(this.backoffMs(attempt, error.retryAfterMs));
      }
    }
  }

  /** Exponential backoff with "equal jitter" so simultaneous clients spread out, never below a server's Retry-After. */
  private backoffMs(attempt: number, retryAfterMs: number | undefined): number {
    const ceiling = Math.min(MAX_BACKOFF_MS, this.retryBaseDelayMs * 2 ** attempt);
    const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
    return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  }

  private async requestOnce(batch: string[]): Promise<Float32Array[]> {
    let response: Response;
    let body: string;
    try {
      // The timeout covers reading the body too: a server can stall after sending headers.
      response = await fetch(this.url, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify({ model: this.model, input: batch }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = await response.text();
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      const reason = timedOut ? `timed out after ${this.timeoutMs} ms` : `failed: ${cause instanceof Error ? cause.message : String(cause)}`;
      throw new EmbeddingRequestError(`Embeddings request to ${this.url} ${reason}`, { url: this.url, retryable: true, cause });
    }
    if (!response.ok) {
      const status = response.status;
      throw new EmbeddingRequestError(
        `Embeddings request to ${this.url} failed with HTTP ${status} ${response.statusText}: ${body.slice(0, ERROR_BODY_PREVIEW_CHARS)}`,
        { url: this.url, status, retryable: status === 429 || status >= 500, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) },
      );
    }
    return this.parseResponse(body, batch.length, response.status);
  }

  private parseResponse(body: string, expectedCount: number, status: number): Float32Array[] {
    const fail = (problem: string): never => {
      throw new EmbeddingRequestError(`Embeddings response from ${this.url} is invalid: ${problem}`, { url: this.url, status, retryable: false });
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return fail(`not JSON: ${body.slice(0, ERROR_BODY_PREVIEW_CHARS)}`);
    }
    const data = (parsed as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) return fail('missing `data` array');
    if (data.length !== expectedCount) return fail(`expected ${expectedCount} embeddings, got ${data.length}`);
    const vectors = new Array<Float32Array | undefined>(expectedCount);
    for (const item of data as unknown[]) {
      const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= expectedCount) return fail(`bad index ${String(index)}`);
      if (vectors[index as number]) return fail(`duplicate index ${String(index)}`);
      if (!Array.isArray(embedding) || !embedding.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        return fail(`embedding ${String(index)} is not an array of finite numbers (was encoding_format base64?)`);
      }
      if (embedding.length !== this.dimension) return fail(`embedding ${String(index)} has dimension ${embedding.length}, expected ${this.dimension}`);
      try {
        vectors[index as number] = l2Normalize(embedding as number[]);
      } catch {
        return fail(`embedding ${String(index)} is a zero vector`);
      }
    }
    return vectors as Float32Array[];
  }
}

/** Retry-After is either delta-seconds or an HTTP date. */
function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
