import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { writeOnnxModel, type OnnxModel } from './onnx-model-writer';

// The writer is checked by the reader that matters: ONNX Runtime loads what it writes and computes with it.
describe(writeOnnxModel.name, () => {
  it('writes a model ONNX Runtime runs: initialisers, named dimensions, int, float and negative attributes', async () => {
    const model: OnnxModel = {
      producer: 'test',
      opset: 18,
      inputs: [{ name: 'x', type: 'float', dims: ['rows', 3] }],
      outputs: [{ name: 'y', type: 'float', dims: ['rows', 3] }],
      initializers: [
        { name: 'offset', type: 'float', dims: [3], values: Float32Array.of(1, -2, 0.5) },
        { name: 'axes', type: 'int64', dims: [1], values: BigInt64Array.of(-1n) },
      ],
      nodes: [
        { op: 'Add', inputs: ['x', 'offset'], outputs: ['shifted'] },
        { op: 'LeakyRelu', inputs: ['shifted'], outputs: ['leaky'], attributes: { alpha: { float: 0.25 } } },
        { op: 'ReduceSum', inputs: ['leaky', 'axes'], outputs: ['total'], attributes: { keepdims: 1 } },
        { op: 'Softmax', inputs: ['leaky'], outputs: ['weights'], attributes: { axis: -1 } },
        { op: 'Mul', inputs: ['weights', 'total'], outputs: ['y'] },
      ],
    };
    const session = await InferenceSession.create(writeOnnxModel(model));
    try {
      const { y } = await session.run({ x: new Tensor('float32', Float32Array.of(0, 0, 0, 1, 4, -4.5), [2, 3]) });
      const expected = [
        [1, -0.5, 0.5],
        [2, 2, -1],
      ].flatMap((row) => {
        const total = row.reduce((a, b) => a + b, 0);
        const exps = row.map(Math.exp);
        const sum = exps.reduce((a, b) => a + b, 0);
        return exps.map((e) => (e / sum) * total);
      });
      expect(y!.dims).toEqual([2, 3]);
      [...(y!.data as Float32Array)].forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
    } finally {
      await session.release();
    }
  });

  it('writes int8 initialisers, from a view into a larger buffer, that an integer product reads', async () => {
    // The weights sit past the start of their buffer, as a slice of a bigger array would.
    const backing = new Int8Array([99, 99, 2, -3, 1, 4]);
    const model: OnnxModel = {
      producer: 'test',
      opset: 18,
      inputs: [{ name: 'x', type: 'float', dims: [1, 2] }],
      outputs: [{ name: 'y', type: 'float', dims: [1, 2] }],
      initializers: [{ name: 'w', type: 'int8', dims: [2, 2], values: backing.subarray(2) }],
      nodes: [
        { op: 'Cast', inputs: ['x'], outputs: ['bytes'], attributes: { to: 2 } }, // uint8
        { op: 'MatMulInteger', inputs: ['bytes', 'w'], outputs: ['product'] },
        { op: 'Cast', inputs: ['product'], outputs: ['y'], attributes: { to: 1 } },
      ],
    };
    const session = await InferenceSession.create(writeOnnxModel(model));
    try {
      const { y } = await session.run({ x: new Tensor('float32', Float32Array.of(5, 7), [1, 2]) });
      // [5, 7] · [[2, -3], [1, 4]] = [17, 13]
      expect([...(y!.data as Float32Array)]).toEqual([17, 13]);
    } finally {
      await session.release();
    }
  });

  it('refuses a fractional value given as an integer attribute', () => {
    const model: OnnxModel = { producer: 'test', opset: 18, inputs: [], outputs: [], initializers: [], nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['y'], attributes: { axis: 0.5 } }] };
    expect(() => writeOnnxModel(model)).toThrow(/axis/);
  });
});
