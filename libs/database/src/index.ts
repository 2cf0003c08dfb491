export * from './embedded-postgres.runner';
