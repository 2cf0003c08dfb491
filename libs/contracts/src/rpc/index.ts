export * from './context-rpc';
export * from './memory-rpc';
