import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { UseLitePoolEmbedder } from './use-lite-pool.embedder';
import { UniversalSentenceEncoderEmbedder } from './use-lite.embedder';

const MODEL_LOAD_TIMEOUT_MS = 180_000;

// Loads the real model three times (two workers and one in-thread reference): slow, but it is the only proof the pool is exact.
describe(UseLitePoolEmbedder.name, () => {
  const sut = new UseLitePoolEmbedder({ threads: 2 });
  const reference = new UniversalSentenceEncoderEmbedder();

  afterAll(async () => {
    await sut.close();
    await reference.close();
  });

  it('reports the single-thread encoder identity', () => {
    expect(sut).toMatchObject({ modelId: reference.modelId, dimension: reference.dimension, maxInputWords: reference.maxInputWords });
  });

  it('returns, in input order, exactly the vectors the single-thread encoder makes', async () => {
    const texts = Array.from({ length: 75 }, (_, i) => `Note ${i}: the ${i % 3 ? 'harbour' : 'orchard'} opens at ${i % 12} o'clock.`);
    const [pooled, alone] = await Promise.all([sut.embed(texts), reference.embed(texts)]);
    expect(pooled).toHaveLength(texts.length);
    pooled.forEach((vector, i) => expect(Array.from(vector), `text ${i}`).toEqual(Array.from(alone[i]!)));
  }, MODEL_LOAD_TIMEOUT_MS);

  it('serves concurrent callers and empty calls', async () => {
    const results = await Promise.all([sut.embed(['one']), sut.embed([]), sut.embed(['two', 'three'])]);
    expect(results.map((r) => r.length)).toEqual([1, 0, 2]);
  }, MODEL_LOAD_TIMEOUT_MS);

  it.runIf(process.platform === 'linux')('runs its encoders below the priority of the calling thread', async () => {
    await sut.embed(['a sentence, so both workers exist']);
    expect(threadNiceValues().filter((nice) => nice === 10)).toHaveLength(2);
    expect(threadNiceValues()).toContain(0);
  }, MODEL_LOAD_TIMEOUT_MS);

  it('refuses work once closed', async () => {
    const closing = new UseLitePoolEmbedder({ threads: 1 });
    await closing.close();
    await expect(closing.embed(['late'])).rejects.toThrow(/closed/);
  });

  it('rejects a thread count that is not a positive integer', () => {
    expect(() => new UseLitePoolEmbedder({ threads: 0 })).toThrow(RangeError);
    expect(() => new UseLitePoolEmbedder({ threads: 1.5 })).toThrow(RangeError);
  });
});

/** The nice value of every thread of this process (field 19 of /proc/self/task/<id>/stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((id) => {
    const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}
