export * from './registry';
export * from './store-gauge';
export * from './metrics';
