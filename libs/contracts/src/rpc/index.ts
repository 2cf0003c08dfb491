export * from './context-rpc';
