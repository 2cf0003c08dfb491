export * from './common';
export * from './add-context.dto';
export * from './search-context.dto';
export * from './delete-context.dto';
export * from './view-context.dto';
export * from './jobs.dto';
export * from './context-responses';
export * from './search-filters';
