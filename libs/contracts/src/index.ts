export * from './topics';
export * from './tenant';
export * from './envelope';
export * from './errors';
export * from './validation';
export * from './http/context';
export * from './events';
export * from './rpc';
