import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EmbedOptions, Embedder } from '../embedder.port';
import type { UseLiteRuntime } from './use-lite-engine';
import { USE_LITE_MODEL } from './use-lite-model';
import type { WorkerOptions, WorkerReply } from './use-lite.worker';

export interface UseLitePoolOptions {
  /** Worker threads, each with its own encoder (every runtime uses one core per instance). */
  threads: number;
  /**
   * Nice value of the worker threads (Linux), 10 unless given: in one process with an HTTP server, a
   * backlog of documents to encode then takes the spare CPU and leaves requests their share. Search
   * queries are encoded on the same threads, so under heavy request load their encoding waits too; 0
   * treats both alike.
   */
  niceness?: number;
  /** What runs the model in each worker; ONNX Runtime in int8 unless given. */
  runtime?: UseLiteRuntime;
}

/**
 * Most texts per message to a worker. A smaller call is split evenly across the workers, so one
 * document's few chunks use every core: on 55-word chunks the encoder runs as fast in batches of 1 to 4
 * as of 8. A search query waits for a worker to finish the slice it is on, so slices stay short: while
 * a 2 MiB document was ingested, slices of 8 answered searches in 40 to 42 ms at the median, slices of
 * 32 in 59 to 60 ms, with the same ingestion rate. How a call is cut changes no vector in int8 (one
 * text a pass); in float it moves components by about 2e-7, nothing a search can see.
 */
const MAX_SLICE = 8;

interface Slice {
  texts: string[];
  resolve(vectors: Float32Array): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  busy: Slice | undefined;
}

/**
 * USE-lite on several worker threads: ingestion scales with cores, and the encoder, which computes on
 * the thread that calls it, stays off the thread answering requests. Same model id as the single-thread
 * encoder of the same runtime, and its vectors: exactly in int8, to float rounding otherwise.
 */
export class UseLitePoolEmbedder implements Embedder {
  readonly modelId = USE_LITE_MODEL.modelId;
  readonly dimension = USE_LITE_MODEL.dimension;
  readonly maxInputWords = USE_LITE_MODEL.maxInputWords;

  private readonly threads: number;
  private readonly workerOptions: WorkerOptions;
  private readonly workers: PoolWorker[] = [];
  /**
   * Waiting work, served in this order: search queries; then calls of at most MAX_SLICE texts (a
   * message, a short document), so they need not wait behind a long document; then the slices of long
   * documents. First come, first served within each, so a document encoded ahead of its turn (ingestion
   * prefetching the next command) does not overtake the one before it.
   */
  private readonly queues: Record<'query' | 'short' | 'long', Slice[]> = { query: [], short: [], long: [] };
  private nextId = 0;
  private closed = false;

  constructor(options: UseLitePoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`threads must be a positive integer, got ${options.threads}`);
    this.threads = options.threads;
    this.workerOptions = { niceness: options.niceness ?? 10, runtime: options.runtime ?? 'onnx' };
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    if (this.closed) throw new Error('The embedder is closed');
    this.spawnWorkers();
    const size = Math.min(MAX_SLICE, Math.ceil(texts.length / this.threads));
    const queue = options.purpose === 'query' ? this.queues.query : texts.length <= MAX_SLICE ? this.queues.short : this.queues.long;
    const slices: Array<Promise<Float32Array>> = [];
    for (let start = 0; start < texts.length; start += size) {
      slices.push(new Promise((resolve, reject) => queue.push({ texts: texts.slice(start, start + size), resolve, reject })));
    }
    this.dispatch();
    const flats = await Promise.all(slices);
    return flats.flatMap((flat) => Array.from({ length: flat.length / this.dimension }, (_, i) => flat.slice(i * this.dimension, (i + 1) * this.dimension)));
  }

  /**
   * Starts the workers and loads a model in each now, instead of on the first `embed`; otherwise a
   * worker the first calls do not reach loads its model in the middle of later work. Being closed
   * meanwhile is not a failure.
   */
  async warmUp(): Promise<void> {
    await Promise.all(Array.from({ length: this.threads }, () => this.embed(['warm up']))).catch((error: unknown) => {
      if (!this.closed) throw error;
    });
  }

  /**
   * Fails the waiting work, lets each worker finish the slice it is on, then stops them: terminating a
   * worker in the middle of an ONNX Runtime call aborted the whole process (a native error thrown as
   * the worker's environment went away), during a SIGTERM meant to let in-flight work finish.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const queue of Object.values(this.queues)) for (const slice of queue.splice(0)) slice.reject(new Error('The embedder was closed'));
    const workers = this.workers.splice(0);
    await Promise.all(workers.map(untilIdle));
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  private nextSlice(): Slice | undefined {
    return this.queues.query.shift() ?? this.queues.short.shift() ?? this.queues.long.shift();
  }

  private dispatch(): void {
    for (const entry of this.workers) {
      if (entry.busy) continue;
      const slice = this.nextSlice();
      if (!slice) return;
      entry.busy = slice;
      entry.worker.ref();
      entry.worker.postMessage({ id: this.nextId++, texts: slice.texts });
    }
  }

  private spawnWorkers(): void {
    while (this.workers.length < this.threads) {
      const entry: PoolWorker = { worker: new Worker(workerFile(), { workerData: this.workerOptions }), busy: undefined };
      entry.worker.on('message', (reply: WorkerReply) => {
        const slice = entry.busy;
        entry.busy = undefined;
        if ('error' in reply) slice?.reject(new Error(`USE-lite worker failed: ${reply.error}`));
        else slice?.resolve(reply.vectors);
        this.dispatch();
        // An idle worker must not keep the process alive.
        if (!entry.busy) entry.worker.unref();
      });
      // A crashed worker fails its slice and is replaced on the next call; the others go on.
      const retire = (error: Error) => {
        const at = this.workers.indexOf(entry);
        if (at >= 0) this.workers.splice(at, 1);
        entry.busy?.reject(error);
        entry.busy = undefined;
      };
      entry.worker.on('error', retire);
      entry.worker.on('exit', (code) => retire(new Error(`USE-lite worker exited with code ${code}`)));
      entry.worker.unref();
      this.workers.push(entry);
    }
  }
}

/** A slice takes well under a second; past this, a worker is taken as hung and stopped all the same. */
const CLOSE_WAIT_MS = 10_000;

/** Resolves once the worker has answered the slice it is on (or exited, or seemed hung). */
function untilIdle({ worker, busy }: PoolWorker): Promise<void> {
  if (!busy) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      worker.off('message', done).off('exit', done);
      resolve();
    };
    const timer = setTimeout(done, CLOSE_WAIT_MS);
    worker.on('message', done).on('exit', done);
  });
}

/** The compiled worker beside this file; from TypeScript sources (tests), the package's build of it. */
function workerFile(): string {
  const compiled = join(__dirname, 'use-lite.worker.js');
  if (existsSync(compiled)) return compiled;
  return createRequire(__filename).resolve('@recollect/embedder/dist/use-lite/use-lite.worker.js');
}
