/**
 * USE-lite's forward pass, run on TensorFlow.js' synchronous graph executor.
 *
 * tfjs runs a graph holding any op whose output shape depends on its input values (`Where` here, in
 * the step that clips input to 128 tokens) only through `executeAsync`, which pays for promises and
 * per-node bookkeeping on every one of the graph's 317 nodes: about 2 of a short query's 13 ms. On the
 * wasm backend a tensor's values are in memory, so `Where` can be answered synchronously with the
 * same result; renaming the graph's `Where` nodes to a custom op that does so lets the whole graph
 * run through the synchronous, precompiled `execute`.
 *
 * The types below are the few parts of `@energetic-ai/core` (TensorFlow.js) this needs; its own
 * declarations refer to `@tensorflow/tfjs-core`, which is bundled, not installed.
 */

export interface Tensor {
  readonly shape: number[];
  dataSync(): ArrayLike<number>;
  dispose(): void;
}

interface GraphNode {
  op: string;
  category: string;
}

export interface GraphModel {
  execute(inputs: Record<string, Tensor>): Tensor;
  executeAsync(inputs: Record<string, Tensor>): Promise<Tensor>;
  dispose(): void;
  /** The loaded graph; not in tfjs' public types, but the same object `execute` runs. */
  executor?: { graph?: { nodes?: Record<string, GraphNode> } };
}

export interface TensorFlow {
  registerOp(name: string, executor: (node: { inputs: Tensor[] }) => Tensor): void;
  tensor1d(values: Int32Array, dtype: 'int32'): Tensor;
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): Tensor;
}

export interface Tokenizer {
  encode(text: string): number[];
}

const SYNC_WHERE_OP = 'RecollectSyncWhere';

/**
 * Coordinates of the condition's true (non-zero) elements in row-major order, one row per element:
 * what TensorFlow's `Where` with one input returns.
 */
export function trueCoordinates(shape: readonly number[], values: ArrayLike<number>): { coordinates: Int32Array; rows: number } {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, stride = 1; d >= 0; d -= 1) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  let count = 0;
  for (let i = 0; i < values.length; i += 1) if (values[i] !== 0) count += 1;
  const coordinates = new Int32Array(count * rank);
  let at = 0;
  for (let i = 0; i < values.length; i += 1) {
    if (values[i] === 0) continue;
    let rest = i;
    for (let d = 0; d < rank; d += 1) {
      coordinates[at++] = Math.floor(rest / strides[d]!);
      rest %= strides[d]!;
    }
  }
  return { coordinates, rows: count };
}

/**
 * Lets `model.execute` run the graph: its `Where` nodes become a custom op answered synchronously.
 * Answers how many nodes were changed. Registering the op is global to the tfjs instance and idempotent.
 */
export function makeGraphSynchronous(tf: TensorFlow, model: GraphModel): number {
  tf.registerOp(SYNC_WHERE_OP, ({ inputs: [condition] }) => {
    const { coordinates, rows } = trueCoordinates(condition!.shape, condition!.dataSync());
    return tf.tensor2d(coordinates, [rows, condition!.shape.length], 'int32');
  });
  let changed = 0;
  for (const node of Object.values(model.executor?.graph?.nodes ?? {})) {
    if (node.op !== 'Where') continue;
    node.op = SYNC_WHERE_OP;
    node.category = 'custom';
    changed += 1;
  }
  return changed;
}

/** The model's sparse input for a batch: each text's token ids, with (row, position) coordinates. */
export function sparseInput(tf: TensorFlow, tokenizer: Tokenizer, texts: readonly string[]): Record<'indices' | 'values', Tensor> {
  const encodings = texts.map((text) => tokenizer.encode(text));
  const total = encodings.reduce((sum, ids) => sum + ids.length, 0);
  const coordinates = new Int32Array(total * 2);
  const ids = new Int32Array(total);
  let at = 0;
  encodings.forEach((tokens, row) => {
    tokens.forEach((id, position) => {
      coordinates[2 * at] = row;
      coordinates[2 * at + 1] = position;
      ids[at] = id;
      at += 1;
    });
  });
  return { indices: tf.tensor2d(coordinates, [total, 2], 'int32'), values: tf.tensor1d(ids, 'int32') };
}
