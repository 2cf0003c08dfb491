import { MemorySchema1765000000000 } from './1765000000000-memory-schema';
import { ChangeOutbox1766000000000 } from './1766000000000-change-outbox';

export const memoryMigrations = [MemorySchema1765000000000, ChangeOutbox1766000000000];
