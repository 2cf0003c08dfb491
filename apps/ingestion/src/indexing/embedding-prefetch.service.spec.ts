import { describe, expect, it } from 'vitest';
import { HashingEmbedder, type Embedder } from '@recollect/embedder';
import { EmbeddingPrefetch, MAX_WAITING_TEXTS, SHARED_CALL_TEXTS } from './embedding-prefetch.service';

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

  it('keeps a bounded number of texts waiting, dropping the oldest jobs', async () => {
    const sut = new EmbeddingPrefetch(countingEmbedder());
    const perJob = MAX_WAITING_TEXTS / 4;
    const texts = (job: string) => Array.from({ length: perJob }, (_, i) => `${job} text ${i}`);
    const jobs = ['job-0', 'job-1', 'job-2', 'job-3', 'job-4'];
    for (const job of jobs) sut.start(job, texts(job));
    expect(sut.has('job-0')).toBe(false);
    expect(await sut.take('job-0', texts('job-0'))).toBeUndefined();
    // Taking a job's vectors frees its room: another job fits without dropping any.
    expect(await sut.take('job-1', texts('job-1'))).toHaveLength(perJob);
    sut.start('job-5', texts('job-5'));
    for (const job of ['job-2', 'job-3', 'job-4', 'job-5']) expect(await sut.take(job, texts(job)), job).toHaveLength(perJob);
  });

  it('keeps a job larger than the bound until it is taken', async () => {
    const sut = new EmbeddingPrefetch(countingEmbedder());
    const huge = Array.from({ length: MAX_WAITING_TEXTS + 1 }, (_, i) => `text ${i}`);
    sut.start('job-huge', huge);
    expect(await sut.take('job-huge', huge)).toHaveLength(huge.length);
  });

  it("encodes consecutive jobs' texts in shared calls of bounded size, handing each job its own vectors", async () => {
    const embedder = countingEmbedder();
    const sut = new EmbeddingPrefetch(embedder);
    const half = SHARED_CALL_TEXTS / 2;
    const texts = (job: string, n: number) => Array.from({ length: n }, (_, i) => `${job} sentence ${i}`);
    sut.start('job-started', ['already under way']);
    const jobs = [
      { jobId: 'job-a', texts: texts('a', half) },
      { jobId: 'job-started', texts: ['already under way'] },
      { jobId: 'job-b', texts: texts('b', half) },
      { jobId: 'job-c', texts: texts('c', 1) },
      { jobId: 'job-empty', texts: [] },
      { jobId: 'job-huge', texts: texts('huge', SHARED_CALL_TEXTS + 1) },
    ];
    sut.startEach(jobs);

    expect(embedder.calls.map((call) => call.length)).toEqual([1, SHARED_CALL_TEXTS, 1, SHARED_CALL_TEXTS + 1]);
    const reference = new HashingEmbedder();
    for (const { jobId, texts: own } of jobs.filter((job) => job.texts.length > 0 && job.jobId !== 'job-started')) {
      const vectors = await sut.take(jobId, own);
      expect(vectors?.map((v) => Array.from(v)), jobId).toEqual((await reference.embed(own)).map((v) => Array.from(v)));
    }
    expect(sut.has('job-empty')).toBe(false);
  });

  it('tells how many texts a job has under way, and forgets a discarded job', async () => {
    const sut = new EmbeddingPrefetch(countingEmbedder());
    sut.start('job-1', ['alpha', 'beta']);
    expect(sut.textsOf('job-1')).toBe(2);
    expect(sut.textsOf('job-2')).toBeUndefined();
    sut.discard('job-1');
    expect(sut.has('job-1')).toBe(false);
    expect(await sut.take('job-1', ['alpha', 'beta'])).toBeUndefined();
  });
});
