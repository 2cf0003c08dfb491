import { parentPort } from 'node:worker_threads';
import { UniversalSentenceEncoderEmbedder } from './use-lite.embedder';

/** One encoder per worker thread; answers `{id, texts}` with `{id, vectors}` (one flat buffer) or `{id, error}`. */
export interface WorkerRequest {
  id: number;
  texts: string[];
}
export type WorkerReply = { id: number; vectors: Float32Array } | { id: number; error: string };

const port = parentPort;
if (port) {
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
