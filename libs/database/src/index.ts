export * from './analyze-on-growth';
export * from './embedded-postgres.runner';
export * from './end-pool';
export * from './free-port';
export { isAlive } from './leftover-postmaster';
export * from './tenant-row-lookup';
export * from './current-schema';
