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

// The real packaged model on both runtimes: the TensorFlow.js graph is the reference the ONNX translation must reproduce.
describe(UseLiteOnnxEmbedder.name, () => {
  const sut = new UseLiteOnnxEmbedder();
  const reference = new UniversalSentenceEncoderEmbedder();

  beforeAll(async () => {
    // The graph is built from the npm package's files; any download attempt would go through fetch.
    vi.stubGlobal('fetch', () => Promise.reject(new Error('network access is not allowed in this test')));
    try {
      await Promise.all([sut.warmUp(), reference.warmUp()]);
    } finally {
      vi.unstubAllGlobals();
    }
  }, MODEL_LOAD_TIMEOUT_MS);

  afterAll(async () => {
    await sut.close();
    await reference.close();
  });

  it('shares the TensorFlow.js engine identity, so either reads the other one\'s index', () => {
    expect(sut).toMatchObject({ modelId: reference.modelId, dimension: 512, maxInputWords: reference.maxInputWords });
  });

  it('makes the vectors the TensorFlow.js graph makes, to float rounding', async () => {
    const texts = [
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
    const [onnx, tfjs] = await Promise.all([sut.embed(texts), reference.embed(texts)]);
    expect(onnx).toHaveLength(texts.length);
    onnx.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(512);
      expect(maxDifference(vector, tfjs[i]!), JSON.stringify(texts[i])).toBeLessThan(1e-5);
    });
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

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => new UseLiteOnnxEmbedder({ batchSize: 0 })).toThrow(/batchSize/);
  });
});
