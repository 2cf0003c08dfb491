import type { Embedder } from '../embedder.port';
import { UseLiteOnnxEmbedder } from './use-lite-onnx.embedder';
import { UniversalSentenceEncoderEmbedder } from './use-lite.embedder';

/**
 * What runs USE-lite's forward pass: ONNX Runtime's native CPU kernels (the default, about five times
 * faster), or TensorFlow.js on WebAssembly, for a platform ONNX Runtime ships no binary for. The
 * vectors are the same to float rounding, so an index built with one is searched with the other.
 */
export type UseLiteRuntime = 'onnx' | 'tfjs';

/** One encoder on the calling thread. */
export function createUseLiteEngine(runtime: UseLiteRuntime, batchSize?: number): Embedder {
  return runtime === 'onnx' ? new UseLiteOnnxEmbedder({ batchSize }) : new UniversalSentenceEncoderEmbedder({ batchSize });
}
