import { IngestionSchema1764000000000 } from './1764000000000-ingestion-schema';

export const ingestionMigrations = [IngestionSchema1764000000000];
