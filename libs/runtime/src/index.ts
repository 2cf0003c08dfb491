export * from './adapters';
export * from './index-adapters';
export * from './health-server';
export * from './migrations';
export * from './pino-logger';
export * from './service-lifecycle';
