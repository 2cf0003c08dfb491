import type { Embedder } from './embedder.port';
import { HashingEmbedder, type HashingEmbedderOptions } from './hashing/hashing.embedder';
import { OpenAiCompatibleEmbedder, type OpenAiCompatibleEmbedderOptions } from './http/openai-compatible.embedder';
import { UseLitePoolEmbedder } from './use-lite/use-lite-pool.embedder';
import { createUseLiteEngine, type UseLiteRuntime } from './use-lite/use-lite-engine';

export type EmbedderConfig =
  | ({
      kind: 'use-lite';
      /**
       * Worker threads, one encoder each. Unset, it encodes on the calling thread, which each forward
       * pass then holds (a service should always give at least 1: its requests keep their thread).
       */
      threads?: number;
      /** Nice value of the worker threads (see UseLitePoolOptions). */
      niceness?: number;
      /** What runs the model; ONNX Runtime unless given (see UseLiteRuntime). */
      runtime?: UseLiteRuntime;
      /** Texts per forward pass on the calling thread. */
      batchSize?: number;
    })
  | ({ kind: 'openai' } & OpenAiCompatibleEmbedderOptions)
  | ({ kind: 'hashing' } & HashingEmbedderOptions);

export type EmbedderKind = EmbedderConfig['kind'];

/** Builds the configured embedder; nothing is loaded or contacted until the first `embed`. */
export function createEmbedder(config: EmbedderConfig): Embedder {
  switch (config.kind) {
    case 'use-lite':
      return config.threads !== undefined
        ? new UseLitePoolEmbedder({ threads: config.threads, niceness: config.niceness, runtime: config.runtime })
        : createUseLiteEngine(config.runtime ?? 'onnx', config.batchSize);
    case 'openai':
      return new OpenAiCompatibleEmbedder(config);
    case 'hashing':
      return new HashingEmbedder(config);
    default: {
      const unknown: never = config;
      throw new Error(`Unknown embedder kind: ${(unknown as { kind?: unknown }).kind}`);
    }
  }
}
