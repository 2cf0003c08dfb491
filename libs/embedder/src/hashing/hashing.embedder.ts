import type { Embedder } from '../embedder.port';
import { l2Normalize } from '../vector-math';

export interface HashingEmbedderOptions {
  /** Number of hash buckets. */
  dimension?: number;
  /** Pretends to truncate like a real encoder so chunking code paths get exercised in tests. */
  maxInputWords?: number;
}

const BIGRAM_WEIGHT = 0.5;

/**
 * Feature hashing of lowercased word unigrams and bigrams, signed to keep collisions unbiased.
 * No model, no I/O, fully deterministic: for tests and smoke runs only, it knows nothing of meaning.
 */
export class HashingEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimension: number;
  readonly maxInputWords: number;

  constructor(options: HashingEmbedderOptions = {}) {
    this.dimension = options.dimension ?? 256;
    this.maxInputWords = options.maxInputWords ?? 200;
    if (!Number.isInteger(this.dimension) || this.dimension < 2) throw new RangeError(`dimension must be an integer >= 2, got ${this.dimension}`);
    this.modelId = `hashing-${this.dimension}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  private embedOne(text: string): Float32Array {
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const vector = new Float64Array(this.dimension);
    // A blank text still needs a unit vector; hash a sentinel so it is stable.
    if (words.length === 0) this.add(vector, '\u0000empty', 1);
    words.forEach((word, i) => {
      this.add(vector, word, 1);
      if (i > 0) this.add(vector, `${words[i - 1]} ${word}`, BIGRAM_WEIGHT);
    });
    return l2Normalize(vector);
  }

  private add(vector: Float64Array, feature: string, weight: number): void {
    const hash = fnv1a32(feature);
    // Low bits pick the bucket, the top bit picks the sign, so the two are independent.
    const sign = hash & 0x80000000 ? -1 : 1;
    vector[(hash & 0x7fffffff) % this.dimension] += sign * weight;
  }
}

function fnv1a32(input: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
