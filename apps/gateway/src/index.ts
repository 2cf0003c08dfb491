export * from './gateway.app';
export * from './gateway.module';
export * from './gateway.options';
export * from './openapi/openapi.document';
export * from './jobs/job-ids';
