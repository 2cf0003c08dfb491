export * from './ingestion.module';
export * from './migrations';
export * from './ingestion.tokens';
