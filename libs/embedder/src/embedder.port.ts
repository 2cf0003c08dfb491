/** What the texts are for: a search query someone is waiting on, or documents being indexed (the default). */
export type EmbedPurpose = 'query' | 'document';

export interface EmbedOptions {
  /** Encoders that queue work serve queries first; the vectors are the same either way. */
  purpose?: EmbedPurpose;
}

/** Turns text into unit-length vectors. Implementations: the offline default encoder, an OpenAI-compatible HTTP service, and a hashing embedder for tests. */
export interface Embedder {
  /** Stable id of the model, recorded by the search index so a different model is refused. */
  readonly modelId: string;
  readonly dimension: number;
  /** Words of input the model reads before it silently truncates; chunks must stay below it. */
  readonly maxInputWords: number;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Loads what the first `embed` would (the model, in every worker), so no request waits for it. */
  warmUp?(): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Starts loading the embedder's model now, without waiting for it: a service is up at once, and its
 * first search or document does not pay for the load. A failed load is reported; the next `embed`
 * tries again.
 */
export function warmUpInBackground(embedder: Embedder, report: (error: unknown) => void): void {
  embedder.warmUp?.().catch(report);
}

export const EMBEDDER = Symbol('EMBEDDER');
