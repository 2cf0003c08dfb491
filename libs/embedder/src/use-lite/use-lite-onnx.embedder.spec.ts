import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dot } from '../vector-math';
import { UseLiteOnnxEmbedder } from './use-lite-onnx.embedder';
import { UniversalSentenceEncoderEmbedder } from './use-lite.embedder';

const MODEL_LOAD_TIMEOUT_MS = 120_000;

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const AWKWARD_TEXTS = [
  'How old are you?',
  'When did Caroline go to the LGBTQ support group?',
  'Vitamin D deficiency is associated with bone loss in elderly women, a cohort study of 1,204 patients found.',
  // Past the 128 tokens the model reads: both must cut at the same place.
  'The invoice dispute was raised in Berlin last Tuesday. '.repeat(12),
  'Ünïcödé — “quotes”, il-6 and 3.14',
  'hi',
  '',
  '   ',
];

// The real packaged model on both runtimes: the TensorFlow.js graph is the reference the ONNX translation must reproduce.
describe(UseLiteOnnxEmbedder.name, () => {
  const sut = new UseLiteOnnxEmbedder({ matmuls: 'float' });
  const int8 = new UseLiteOnnxEmbedder();
  const reference = new UniversalSentenceEncoderEmbedder();

  beforeAll(async () => {
    // The graph is built from the npm package's files; any download attempt would go through fetch.
    vi.stubGlobal('fetch', () => Promise.reject(new Error('network access is not allowed in this test')));
    try {
      await Promise.all([sut.warmUp(), int8.warmUp(), reference.warmUp()]);
    } finally {
      vi.unstubAllGlobals();
    }
  }, MODEL_LOAD_TIMEOUT_MS);

  afterAll(async () => {
    await sut.close();
    await int8.close();
    await reference.close();
  });

  it('shares the TensorFlow.js engine identity, so either reads the other one\'s index', () => {
    expect(sut).toMatchObject({ modelId: reference.modelId, dimension: 512, maxInputWords: reference.maxInputWords });
  });

  it('makes the vectors the TensorFlow.js graph makes, to float rounding', async () => {
    const [onnx, tfjs] = await Promise.all([sut.embed(AWKWARD_TEXTS), reference.embed(AWKWARD_TEXTS)]);
    expect(onnx).toHaveLength(AWKWARD_TEXTS.length);
    onnx.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(512);
      expect(maxDifference(vector, tfjs[i]!), JSON.stringify(AWKWARD_TEXTS[i])).toBeLessThan(1e-5);
    });
  }, MODEL_LOAD_TIMEOUT_MS);

  it('with int8 products, makes unit vectors each within a cosine of 0.998 of the float ones, and not the same', async () => {
    const [bytes, float] = await Promise.all([int8.embed(AWKWARD_TEXTS), sut.embed(AWKWARD_TEXTS)]);
    bytes.forEach((vector, i) => {
      expect(vector).toHaveLength(512);
      expect(Math.abs(dot(vector, vector) - 1), JSON.stringify(AWKWARD_TEXTS[i])).toBeLessThan(1e-5);
      expect(dot(vector, float[i]!), JSON.stringify(AWKWARD_TEXTS[i])).toBeGreaterThan(0.998);
    });
    // The int8 graph is really the one that ran: its vectors differ from the float ones past rounding.
    expect(Math.max(...bytes.map((vector, i) => maxDifference(vector, float[i]!)))).toBeGreaterThan(1e-4);
  }, MODEL_LOAD_TIMEOUT_MS);

  it('with int8 products, gives a text the same vector whatever it is embedded with', async () => {
    const texts = Array.from({ length: 9 }, (_, i) => `Sentence ${i} ${'talks about sailing and the weather at sea '.repeat(i % 4)}.`);
    const together = await int8.embed(texts);
    for (const i of [0, 4, 8]) expect((await int8.embed([texts[i]!]))[0]).toEqual(together[i]);
  }, MODEL_LOAD_TIMEOUT_MS);

  it('with int8 products, still places paraphrases closer than unrelated sentences', async () => {
    const [question, paraphrase, unrelated] = await int8.embed(['How old are you?', 'What is your age?', 'The stock market fell today.']);
    expect(dot(question!, paraphrase!)).toBeGreaterThan(dot(question!, unrelated!) + 0.3);
  }, MODEL_LOAD_TIMEOUT_MS);

  it('answers in the callers\' order, whatever the lengths batched together', async () => {
    const texts = Array.from({ length: 11 }, (_, i) => `Sentence ${i} ${'talks about sailing and the weather at sea '.repeat(i % 4)}.`);
    const together = await sut.embed(texts);
    for (const i of [0, 5, 10]) {
      const [alone] = await sut.embed([texts[i]!]);
      expect(maxDifference(together[i]!, alone!)).toBeLessThan(1e-5);
    }
  }, MODEL_LOAD_TIMEOUT_MS);

  it('places paraphrases closer than unrelated sentences', async () => {
    const [question, paraphrase, unrelated] = await sut.embed(['How old are you?', 'What is your age?', 'The stock market fell today.']);
    expect(dot(question!, paraphrase!)).toBeGreaterThan(dot(question!, unrelated!) + 0.3);
  }, MODEL_LOAD_TIMEOUT_MS);

  it('serves concurrent and empty calls', async () => {
    const results = await Promise.all([sut.embed(['one']), sut.embed([]), sut.embed(['two', 'three'])]);
    expect(results.map((r) => r.length)).toEqual([1, 0, 2]);
  }, MODEL_LOAD_TIMEOUT_MS);

  it('rejects a batch size that is not a positive integer, and any but 1 with int8 products', () => {
    expect(() => new UseLiteOnnxEmbedder({ matmuls: 'float', batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new UseLiteOnnxEmbedder({ batchSize: 4 })).toThrow(/batchSize must be 1 with int8/);
    expect(() => new UseLiteOnnxEmbedder({ matmuls: 'float', batchSize: 4 })).not.toThrow();
  });
});
