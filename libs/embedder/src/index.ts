export * from './embedder.port';
export * from './embedder.factory';
export * from './vector-math';
export * from './hashing/hashing.embedder';
export * from './http/embedding-request.error';
export * from './http/openai-compatible.embedder';
export * from './use-lite/use-lite.embedder';
export * from './use-lite/use-lite-pool.embedder';
