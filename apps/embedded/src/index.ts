export * from './embedded-stack';
export * from './secrets';
