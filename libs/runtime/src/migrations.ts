import { DataSource, type MixedList } from 'typeorm';

export interface MigrationSet {
  /** The service that owns the tables, for the log line. */
  service: string;
  migrations: MixedList<string | (new () => unknown)>;
  tableName: string;
}

/**
 * Applies pending migrations once, outside the services: in distributed mode a migration Job (or
 * `npm run migrate`) does this, and the services start with `runMigrations: false`. TypeORM takes a
 * each migration in a transaction of its own and takes no lock, so run one migrator at a time (the Job does).
 */
export async function runMigrations(databaseUrl: string, sets: readonly MigrationSet[], log: (line: string) => void): Promise<void> {
  for (const set of sets) {
    const source = new DataSource({ type: 'postgres', url: databaseUrl, migrations: set.migrations as never, migrationsTableName: set.tableName, migrationsTransactionMode: 'each' });
    await source.initialize();
    try {
      const applied = await source.runMigrations();
      log(`${set.service}: ${applied.length === 0 ? 'schema up to date' : `applied ${applied.map((migration) => migration.name).join(', ')}`}`);
    } finally {
      await source.destroy();
    }
  }
}
