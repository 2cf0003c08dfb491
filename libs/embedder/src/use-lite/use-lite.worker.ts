import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { UniversalSentenceEncoderEmbedder } from './use-lite.embedder';

/** One encoder per worker thread; answers `{id, texts}` with `{id, vectors}` (one flat buffer) or `{id, error}`. */
export interface WorkerRequest {
  id: number;
  texts: string[];
}
export type WorkerReply = { id: number; vectors: Float32Array } | { id: number; error: string };

export interface WorkerOptions {
  /** Nice value for this thread: encoding is bulk work, and must not starve the requests on the main thread. */
  niceness: number;
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
  lowerThreadPriority((workerData as WorkerOptions).niceness);
  const embedder = new UniversalSentenceEncoderEmbedder();
  port.on('message', ({ id, texts }: WorkerRequest) => {
    embedder.embed(texts).then(
      (vectors) => {
        const flat = new Float32Array(vectors.length * embedder.dimension);
        vectors.forEach((vector, i) => flat.set(vector, i * embedder.dimension));
        port.postMessage({ id, vectors: flat } satisfies WorkerReply, [flat.buffer]);
      },
      (error: unknown) => port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply),
    );
  });
}
