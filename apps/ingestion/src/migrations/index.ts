import { IngestionSchema1764000000000 } from './1764000000000-ingestion-schema';
import { JobOutcome1766000000000 } from './1766000000000-job-outcome';
import { MemoryVersions1767000000000 } from './1767000000000-memory-versions';

export const ingestionMigrations = [IngestionSchema1764000000000, JobOutcome1766000000000, MemoryVersions1767000000000];
