export * from './limits';
export * from './base64';
export * from './alchemyst-memory.dto';
export * from './memind.dto';
export * from './memory-responses';
