export * from './ingestion.module';
export * from './migrations';
export * from './ingestion.tokens';
export { chunkText } from './chunking/sentence-chunker';
