export * from './embedded-postgres.runner';
export * from './free-port';
