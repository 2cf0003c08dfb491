export * from './analyze-on-growth';
export * from './embedded-postgres.runner';
export * from './pool-ender';
export * from './free-port';
export { isAlive } from './leftover-postmaster';
export * from './tenant-row-lookup';
export * from './current-schema';
