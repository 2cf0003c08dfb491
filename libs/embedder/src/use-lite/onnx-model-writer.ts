import { endianness } from 'node:os';

/**
 * Writes ONNX models (protobuf) for the few parts of the format a feed-forward graph needs: nodes,
 * attributes, initialisers and typed inputs and outputs. Field numbers are those of onnx.proto
 * (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto); repeated scalars are written unpacked,
 * which every proto2 reader accepts.
 */

export type ElementType = 'float' | 'int64' | 'int8';
export type AttributeValue = number | { float: number } | number[];
/** A dimension: a fixed size, or a name for one given at run time. */
export type Dimension = number | string;

const ELEMENT_TYPE: Record<ElementType, number> = { float: 1, int64: 7, int8: 3 };
const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, INTS: 7 } as const;
const IR_VERSION = 8;

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** Base-128 varint of a 64-bit two's-complement integer (negative attribute values take ten bytes). */
function varint(value: number | bigint): Buffer {
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0n);
  return Buffer.from(bytes);
}

const tag = (field: number, wire: number): Buffer => varint((field << 3) | wire);
const bytesField = (field: number, bytes: Uint8Array): Buffer => Buffer.concat([tag(field, WIRE_BYTES), varint(bytes.length), bytes]);
const stringField = (field: number, text: string): Buffer => bytesField(field, Buffer.from(text, 'utf8'));
const intField = (field: number, value: number | bigint): Buffer => Buffer.concat([tag(field, WIRE_VARINT), varint(value)]);
const messageField = (field: number, parts: Buffer[]): Buffer => bytesField(field, Buffer.concat(parts));

function floatField(field: number, value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeFloatLE(value);
  return Buffer.concat([tag(field, WIRE_FIXED32), bytes]);
}

/** A constant tensor (TensorProto), its values stored raw, little-endian as ONNX requires. */
export interface Initializer {
  name: string;
  type: ElementType;
  dims: readonly number[];
  values: Float32Array | BigInt64Array | Int8Array;
}

export interface GraphNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface ValueInfo {
  name: string;
  type: ElementType;
  dims: readonly Dimension[];
}

export interface OnnxModel {
  nodes: readonly GraphNode[];
  initializers: readonly Initializer[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  /** Version of the default (ai.onnx) operator set the nodes follow. */
  opset: number;
  producer: string;
}

function tensorProto({ name, type, dims, values }: Initializer): Buffer[] {
  // Typed arrays hold the host's byte order; ONNX raw data is little-endian.
  if (endianness() !== 'LE') throw new Error('Writing ONNX raw data needs a little-endian host');
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return [...dims.map((dim) => intField(1, dim)), intField(2, ELEMENT_TYPE[type]), stringField(8, name), bytesField(9, raw)];
}

function attributeProto(name: string, value: AttributeValue): Buffer[] {
  if (Array.isArray(value)) return [stringField(1, name), ...value.map((item) => intField(8, item)), intField(20, ATTRIBUTE_TYPE.INTS)];
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new RangeError(`attribute ${name}: ${value} is not an integer; pass { float } for a float`);
    return [stringField(1, name), intField(3, value), intField(20, ATTRIBUTE_TYPE.INT)];
  }
  return [stringField(1, name), floatField(2, value.float), intField(20, ATTRIBUTE_TYPE.FLOAT)];
}

function nodeProto({ op, inputs, outputs, attributes = {} }: GraphNode): Buffer[] {
  return [
    ...inputs.map((input) => stringField(1, input)),
    ...outputs.map((output) => stringField(2, output)),
    stringField(4, op),
    ...Object.entries(attributes).map(([name, value]) => messageField(5, attributeProto(name, value))),
  ];
}

function valueInfoProto({ name, type, dims }: ValueInfo): Buffer[] {
  const shape = dims.map((dim) => messageField(1, [typeof dim === 'string' ? stringField(2, dim) : intField(1, dim)]));
  const tensorType = messageField(1, [intField(1, ELEMENT_TYPE[type]), messageField(2, shape)]);
  return [stringField(1, name), messageField(2, [tensorType])];
}

/** The serialised ModelProto, ready for an ONNX runtime to load from memory. */
export function writeOnnxModel(model: OnnxModel): Buffer {
  const graph = messageField(7, [
    ...model.nodes.map((node) => messageField(1, nodeProto(node))),
    stringField(2, 'main'),
    ...model.initializers.map((initializer) => messageField(5, tensorProto(initializer))),
    ...model.inputs.map((input) => messageField(11, valueInfoProto(input))),
    ...model.outputs.map((output) => messageField(12, valueInfoProto(output))),
  ]);
  const opset = messageField(8, [stringField(1, ''), intField(2, model.opset)]);
  return Buffer.concat([intField(1, IR_VERSION), stringField(2, model.producer), graph, opset]);
}
