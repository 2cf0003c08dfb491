import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { UseLitePoolEmbedder } from './use-lite-pool.embedder';
import { UseLiteOnnxEmbedder } from './use-lite-onnx.embedder';

const MODEL_LOAD_TIMEOUT_MS = 180_000;
/** Thread priorities are read from Linux's /proc; a test runner already at nice 10 or more could not tell the workers apart. */
const CAN_OBSERVE_NICENESS = process.platform === 'linux' && getPriority() < 10;
/**
 * CPU ticks (10 ms) between a worker that has only started (2 to 5 measured) and one that has loaded its
 * model (22 to 27 in a fresh process, down to 11 once an earlier worker of the process has loaded ONNX Runtime).
 */
const LOADED_WORKER_MIN_TICKS = 8;

// Loads the real model three times (two workers and one in-thread reference): slow, but it is the only proof the pool matches one thread.
describe(UseLitePoolEmbedder.name, () => {
  const sut = new UseLitePoolEmbedder({ threads: 2 });
  // The default engine on this thread: int8 products, one text a pass, so a text's vector is its own whatever the batching.
  const reference = new UseLiteOnnxEmbedder();

  afterAll(async () => {
    await sut.close();
    await reference.close();
  });

  it('reports the single-thread encoder identity', () => {
    expect(sut).toMatchObject({ modelId: reference.modelId, dimension: reference.dimension, maxInputWords: reference.maxInputWords });
  });

  it.each([75, 5])('returns, in input order, the vectors the single-thread encoder makes (%i texts)', async (count) => {
    const texts = Array.from({ length: count }, (_, i) => `Note ${i}: the ${i % 3 ? 'harbour' : 'orchard'} opens at ${i % 12} o'clock.`);
    const [pooled, alone] = await Promise.all([sut.embed(texts), reference.embed(texts)]);
    expect(pooled).toHaveLength(texts.length);
    // Workers cut the call differently from one thread, which must not change a single component.
    pooled.forEach((vector, i) => expect(vector, `text ${i}`).toEqual(alone[i]));
  }, MODEL_LOAD_TIMEOUT_MS);

  it('runs the runtime it is given in its workers', async () => {
    const float = new UseLitePoolEmbedder({ threads: 1, runtime: 'onnx-fp32' });
    const floatAlone = new UseLiteOnnxEmbedder({ matmuls: 'float' });
    try {
      const texts = ['The harbour opens at nine.', 'Vitamin D deficiency is associated with bone loss.'];
      const [pooled, alone, int8] = await Promise.all([float.embed(texts), floatAlone.embed(texts), sut.embed(texts)]);
      pooled.forEach((vector, i) => {
        expect(maxDifference(vector, alone[i]!), `text ${i}`).toBeLessThan(1e-5);
        expect(maxDifference(vector, int8[i]!), `text ${i}`).toBeGreaterThan(1e-4);
      });
    } finally {
      await float.close();
      await floatAlone.close();
    }
  }, MODEL_LOAD_TIMEOUT_MS);

  it('serves concurrent callers and empty calls', async () => {
    const results = await Promise.all([sut.embed(['one']), sut.embed([]), sut.embed(['two', 'three'])]);
    expect(results.map((r) => r.length)).toEqual([1, 0, 2]);
  }, MODEL_LOAD_TIMEOUT_MS);

  // Workers are the threads running at nice 10; each must have spent CPU time on the call.
  it.runIf(CAN_OBSERVE_NICENESS)('spreads a small call over every worker', async () => {
    await sut.embed(['both workers exist and have loaded their model', 'second']);
    const before = new Map(workerThreads().map((thread) => [thread.id, thread.cpuTicks]));
    await sut.embed(Array.from({ length: 40 }, (_, i) => `Passage ${i} about tides, harbours and the ships that wait for them at dawn. `.repeat(4)));
    const worked = workerThreads().filter((thread) => thread.cpuTicks - (before.get(thread.id) ?? 0) >= 2);
    expect(worked).toHaveLength(2);
  }, MODEL_LOAD_TIMEOUT_MS);

  it.runIf(CAN_OBSERVE_NICENESS)('runs its encoders below the priority of the calling thread', async () => {
    await sut.embed(['a sentence, so both workers exist']);
    expect(workerThreads()).toHaveLength(2);
    expect(threadStats().find((thread) => thread.id === String(process.pid))?.nice).toBe(getPriority());
  }, MODEL_LOAD_TIMEOUT_MS);

  it('serves waiting queries first, then short calls in their order, then long documents', async () => {
    const single = new UseLitePoolEmbedder({ threads: 1 });
    try {
      await single.embed(['load the model']);
      const finished: string[] = [];
      const track = (name: string, call: Promise<Float32Array[]>) => call.then(() => finished.push(name));
      // 64 texts make two slices of 32: the first runs, the second waits, as do the calls after it.
      const long = Array.from({ length: 64 }, (_, i) => `Long document, passage ${i}, about harbours and tides.`);
      await Promise.all([
        track('long', single.embed(long)),
        track('first short', single.embed(['a chat message'])),
        track('second short', single.embed(['the next command, encoded ahead'])),
        track('query', single.embed(['when does the harbour open?'], { purpose: 'query' })),
      ]);
      expect(finished).toEqual(['query', 'first short', 'second short', 'long']);
    } finally {
      await single.close();
    }
  }, MODEL_LOAD_TIMEOUT_MS);

  it.runIf(CAN_OBSERVE_NICENESS)('loads the model in every worker when warmed up, not only in the one a first call reaches', async () => {
    const before = new Set(workerThreads().map((thread) => thread.id));
    const warmed = new UseLitePoolEmbedder({ threads: 2 });
    try {
      await warmed.warmUp();
      const started = workerThreads().filter((thread) => !before.has(thread.id));
      expect(started).toHaveLength(2);
      for (const thread of started) expect(thread.cpuTicks, `thread ${thread.id}`).toBeGreaterThan(LOADED_WORKER_MIN_TICKS);
    } finally {
      await warmed.close();
    }
  }, MODEL_LOAD_TIMEOUT_MS);

  it('ends a warm-up quietly when the pool is closed during it', async () => {
    const closing = new UseLitePoolEmbedder({ threads: 1 });
    const warming = closing.warmUp();
    await closing.close();
    await expect(warming).resolves.toBeUndefined();
  });

  // Terminating a worker in the middle of an ONNX Runtime call aborted the whole process (SIGABRT on a
  // native error): this test's process would die, failing the run.
  it('lets the slices in flight finish when closed, and fails those still waiting', async () => {
    const closing = new UseLitePoolEmbedder({ threads: 2 });
    await closing.warmUp();
    // One slice of 8 (the most a worker is given at once) for each of the two workers: both in flight.
    const texts = Array.from({ length: 16 }, (_, i) => `sentence number ${i} about the quarterly pricing of the scale plan`);
    const inFlight = closing.embed(texts);
    const waiting = closing.embed(['queued behind the others']).catch((error: unknown) => error);
    await closing.close();
    expect(await inFlight).toHaveLength(16);
    expect(await waiting).toMatchObject({ message: 'The embedder was closed' });
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

interface ThreadStat {
  id: string;
  nice: number;
  cpuTicks: number;
}

/** Every thread of this process, from /proc/self/task/<id>/stat (fields 14-15: user and system ticks, 19: nice). */
function threadStats(): ThreadStat[] {
  return readdirSync('/proc/self/task').map((id) => {
    const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { id, nice: Number(fields[16]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  });
}

const workerThreads = (): ThreadStat[] => threadStats().filter((thread) => thread.nice === 10);

function maxDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);
}
