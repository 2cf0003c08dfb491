import { ingestionMigrations } from '@recollect/ingestion';
import { memoryMigrations } from '@recollect/memory';
import { runMigrations } from '@recollect/runtime';
import { createTestDatabase } from '@recollect/testing';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';

/** Each service's migrations as the migration Job runs them, and the tables they must leave. */
const services = [
  { service: 'ingestion', migrations: ingestionMigrations, tableName: 'ingestion_migrations', tables: ['documents', 'job_outcomes', 'jobs', 'memory_message_versions', 'memory_session_deletions'] },
  { service: 'memory', migrations: memoryMigrations, tableName: 'memory_migrations', tables: ['change_outbox', 'messages', 'operations', 'sessions'] },
];

describe.each(services)('$service migrations, run once outside the service', ({ tables, ...set }) => {
  it('creates the tables on an empty database and changes nothing the second time', async () => {
    const database = await createTestDatabase();
    const lines: string[] = [];
    try {
      await runMigrations(database.url, [set], (line) => lines.push(line));
      await runMigrations(database.url, [set], (line) => lines.push(line));
      const client = new Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
      await client.end();
      expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining([...tables, set.tableName]));
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^${set.service}: applied `)), `${set.service}: schema up to date`]);
    } finally {
      await database.drop();
    }
  });
});
