import { describe, expect, it } from 'vitest';
import { dot } from '../vector-math';
import { HashingEmbedder } from './hashing.embedder';

const norm = (v: Float32Array) => Math.sqrt(dot(v, v));

describe('HashingEmbedder', () => {
  it('names itself after its dimension and returns unit vectors of that size', async () => {
    const embedder = new HashingEmbedder({ dimension: 64 });
    expect(embedder.modelId).toBe('hashing-64');
    const [vector] = await embedder.embed(['Some words to hash']);
    expect(vector).toHaveLength(64);
    expect(norm(vector)).toBeCloseTo(1, 5);
  });

  it('defaults to 256 dimensions', () => {
    expect(new HashingEmbedder().dimension).toBe(256);
  });

  it('scores texts sharing words above unrelated texts', async () => {
    const [query, related, unrelated] = await new HashingEmbedder().embed([
      'The cat sat on the mat',
      'A cat sat quietly on a mat',
      'Quarterly revenue grew strongly in Europe',
    ]);
    expect(dot(query, related)).toBeGreaterThan(dot(query, unrelated) + 0.3);
  });

  it('is deterministic across instances and ignores case and punctuation', async () => {
    const [a] = await new HashingEmbedder().embed(['Hello, World!']);
    const [b] = await new HashingEmbedder().embed(['hello world']);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('gives blank text a stable unit vector', async () => {
    const [empty, spaces] = await new HashingEmbedder().embed(['', '   ']);
    expect(norm(empty)).toBeCloseTo(1, 5);
    expect(Array.from(empty)).toEqual(Array.from(spaces));
  });
});
