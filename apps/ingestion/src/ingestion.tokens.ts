/**
 * Ingestion's own TypeORM data source. Named, because the embedded service runs ingestion and memory
 * in one process, each with its data source: unnamed, both would claim Nest's default one.
 */
export const INGESTION_DATA_SOURCE = 'ingestion';

export const CHUNKING_OPTIONS = Symbol('CHUNKING_OPTIONS');
export interface ChunkingOptions {
  maxWords: number;
  overlapWords: number;
}

export const DELIVERY_POLICY = Symbol('DELIVERY_POLICY');
/** Mirrors the bus's retry bound, so the last attempt can mark its job failed before the message is dead-lettered. */
export interface DeliveryPolicy {
  maxAttempts: number;
}
