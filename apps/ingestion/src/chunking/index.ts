export * from './chunk-id';
export * from './sentence-chunker';
export * from './sentence-splitter';
export * from './document-title';
export * from './time-slices';
