export * from './context-commands';
export * from './context-job-updated';
export * from './context-indexed';
export * from './memory-commands';
export * from './memory-changes';
export * from './memory-indexed';
export * from './refused-message';
