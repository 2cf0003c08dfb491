export * from './context-commands';
export * from './context-job-updated';
export * from './context-indexed';
