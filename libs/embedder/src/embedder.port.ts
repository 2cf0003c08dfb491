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
  close?(): Promise<void>;
}

export const EMBEDDER = Symbol('EMBEDDER');
