import { describe, expect, it } from 'vitest';
import { HashingEmbedder, type Embedder } from '@recollect/embedder';
import { EmbeddingPrefetch } from './embedding-prefetch.service';

/** The hashing encoder, counting its calls; `failing` makes every call reject. */
function countingEmbedder(failing = false): Embedder & { calls: string[][] } {
  const inner = new HashingEmbedder();
  const calls: string[][] = [];
  return {
    modelId: inner.modelId,
    dimension: inner.dimension,
    maxInputWords: inner.maxInputWords,
    calls,
    embed: async (texts: readonly string[]) => {
      calls.push([...texts]);
      if (failing) throw new Error('encoder down');
      return inner.embed(texts);
    },
  };
}

describe(EmbeddingPrefetch.name, () => {
  it('hands the vectors started for a job to its delivery, once, and encodes them once', async () => {
    const embedder = countingEmbedder();
    const sut = new EmbeddingPrefetch(embedder);
    sut.start('job-1', ['alpha', 'beta']);
    sut.start('job-1', ['alpha', 'beta']);

    const vectors = await sut.take('job-1', ['alpha', 'beta']);
    expect(vectors?.map((v) => Array.from(v))).toEqual((await new HashingEmbedder().embed(['alpha', 'beta'])).map((v) => Array.from(v)));
    expect(embedder.calls).toEqual([['alpha', 'beta']]);
    expect(await sut.take('job-1', ['alpha', 'beta'])).toBeUndefined();
  });

  it('answers nothing for other texts, unknown jobs and failed encodings', async () => {
    const sut = new EmbeddingPrefetch(countingEmbedder());
    sut.start('job-1', ['alpha']);
    expect(await sut.take('job-1', ['alpha', 'changed'])).toBeUndefined();
    expect(await sut.take('job-2', ['alpha'])).toBeUndefined();

    const broken = new EmbeddingPrefetch(countingEmbedder(true));
    broken.start('job-3', ['gamma']);
    expect(await broken.take('job-3', ['gamma'])).toBeUndefined();
  });

  it('keeps at most sixteen jobs waiting, dropping the oldest', async () => {
    const sut = new EmbeddingPrefetch(countingEmbedder());
    const jobs = Array.from({ length: 17 }, (_, i) => `job-${i}`);
    for (const job of jobs) sut.start(job, [job]);
    expect(sut.has('job-0')).toBe(false);
    expect(await sut.take('job-0', ['job-0'])).toBeUndefined();
    for (const job of jobs.slice(1)) expect(await sut.take(job, [job]), job).toHaveLength(1);
  });
});
