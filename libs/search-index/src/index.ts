export * from './search-index.port';
export { LanceDbSearchIndex, type LanceDbSearchIndexOptions } from './lancedb/lancedb-search-index';
