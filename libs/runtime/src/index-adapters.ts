import type { Env } from '@recollect/config';
import type { Embedder } from '@recollect/embedder';
import type { SearchIndex } from '@recollect/search-index';
import { join, resolve } from 'node:path';

// Loaded on demand: the gateway uses this library too and should not load LanceDB or an encoder.

/** The embedder the environment names; nothing is loaded until its first use. */
export async function embedderFromEnv(env: Env): Promise<Embedder> {
  const { createEmbedder } = await import('@recollect/embedder');
  switch (env.EMBEDDER) {
    case 'use-lite':
      return createEmbedder({ kind: 'use-lite', threads: env.EMBEDDER_THREADS, niceness: env.EMBEDDER_NICENESS, runtime: env.EMBEDDER_RUNTIME });
    case 'hashing':
      return createEmbedder({ kind: 'hashing', dimension: env.EMBEDDER_DIMENSION });
    case 'openai':
      return createEmbedder({ kind: 'openai', baseUrl: env.EMBEDDER_URL!, model: env.EMBEDDER_MODEL!, dimension: env.EMBEDDER_DIMENSION!, apiKey: env.EMBEDDER_API_KEY });
  }
}

/** OpenSearch when SEARCH_INDEX=opensearch, else the embedded LanceDB folder under DATA_DIR. Not opened yet. */
export async function searchIndexFromEnv(env: Env): Promise<SearchIndex> {
  const { LanceDbSearchIndex, OpenSearchSearchIndex } = await import('@recollect/search-index');
  if (env.SEARCH_INDEX === 'lancedb') {
    return new LanceDbSearchIndex({
      directory: join(resolve(env.DATA_DIR), 'index'),
      vectorIndexMinRows: env.VECTOR_INDEX_MIN_ROWS,
      threadNiceness: env.INDEX_NICENESS,
    });
  }
  return new OpenSearchSearchIndex({
    node: env.OPENSEARCH_URL,
    username: env.OPENSEARCH_USERNAME,
    password: env.OPENSEARCH_PASSWORD,
    rejectUnauthorized: env.OPENSEARCH_TLS_REJECT_UNAUTHORIZED,
    index: env.OPENSEARCH_INDEX,
    settings: { shards: env.OPENSEARCH_SHARDS, replicas: env.OPENSEARCH_REPLICAS },
  });
}
