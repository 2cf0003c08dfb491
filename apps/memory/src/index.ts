export * from './memory.module';
export * from './memory.tokens';
export * from './migrations';
