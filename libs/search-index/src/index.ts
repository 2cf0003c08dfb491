export * from './search-index.port';
export { LanceDbSearchIndex, type LanceDbSearchIndexOptions } from './lancedb/lancedb-search-index';
export { LANCEDB_THREAD_NAME } from './lancedb/engine-thread-priority';
export { OpenSearchSearchIndex, type OpenSearchSearchIndexOptions, type OpenSearchTransport } from './opensearch/opensearch-search-index';
