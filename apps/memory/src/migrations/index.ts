import { MemorySchema1765000000000 } from './1765000000000-memory-schema';

export const memoryMigrations = [MemorySchema1765000000000];
