export * from './free-port';
export * from './test-database';
export * from './factories';
export * from './memory-factories';
export * from './external-services';
export * from './locomo';
