import type { Embedder } from '../embedder.port';
import { UseLiteOnnxEmbedder } from './use-lite-onnx.embedder';
import { UniversalSentenceEncoderEmbedder } from './use-lite.embedder';

/**
 * What runs USE-lite's forward pass: ONNX Runtime's native CPU kernels with the dense layers in int8
 * (`onnx`, the default) or in float (`onnx-fp32`, about 2.3 times slower on a 2-core AMD EPYC host),
 * or TensorFlow.js on WebAssembly (`tfjs`, for a platform ONNX Runtime ships no binary for; about
 * five times slower than `onnx-fp32`). `onnx-fp32` and `tfjs` give the same vectors to float
 * rounding, `onnx` each within a cosine of 0.997 of them, so an index built with one is searched
 * with any other.
 */
export type UseLiteRuntime = 'onnx' | 'onnx-fp32' | 'tfjs';

/** One encoder on the calling thread. */
export function createUseLiteEngine(runtime: UseLiteRuntime, batchSize?: number): Embedder {
  switch (runtime) {
    case 'onnx':
      return new UseLiteOnnxEmbedder({ matmuls: 'int8', batchSize });
    case 'onnx-fp32':
      return new UseLiteOnnxEmbedder({ matmuls: 'float', batchSize });
    case 'tfjs':
      return new UniversalSentenceEncoderEmbedder({ batchSize });
  }
}
