import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createUseLiteEngine, type UseLiteRuntime } from './use-lite-engine';

/** One encoder per worker thread; answers `{id, texts}` with `{id, vectors}` (one flat buffer) or `{id, error}`. */
export interface WorkerRequest {
  id: number;
  texts: string[];
}
export type WorkerReply = { id: number; vectors: Float32Array } | { id: number; error: string };

export interface WorkerOptions {
  /** Nice value for this thread: encoding is bulk work, and must not starve the requests on the main thread. */
  niceness: number;
  runtime: UseLiteRuntime;
}

/** Linux keeps a nice value per thread, found by its id under /proc; elsewhere the thread keeps the process's priority. */
function lowerThreadPriority(niceness: number): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, niceness);
  } catch {
    // No /proc, or not allowed: a scheduling hint only, nothing depends on it.
  }
}

const port = parentPort;
if (port) {
  const options = workerData as WorkerOptions;
  const embedder = createUseLiteEngine(options.runtime);
  // The model loads at normal priority, then the thread lowers its own: threads started while loading
  // (libuv's pool, on a process's first asynchronous file read; the runtime's own) inherit the nice
  // value of the thread starting them, and they serve more than this encoder. A failed load is not
  // final: the next request's embed tries again and answers the error.
  const loaded = (embedder.warmUp?.() ?? Promise.resolve()).catch(() => undefined).finally(() => lowerThreadPriority(options.niceness));
  port.on('message', ({ id, texts }: WorkerRequest) => {
    loaded
      .then(() => embedder.embed(texts))
      .then(
        (vectors) => {
          const flat = new Float32Array(vectors.length * embedder.dimension);
          vectors.forEach((vector, i) => flat.set(vector, i * embedder.dimension));
          port.postMessage({ id, vectors: flat } satisfies WorkerReply, [flat.buffer]);
        },
        (error: unknown) => port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply),
      );
  });
}
