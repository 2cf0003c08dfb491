import { runMigrations } from '@recollect/runtime';
import { createTestDatabase } from '@recollect/testing';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { ingestionMigrations } from './migrations';

describe('ingestion migrations, run once outside the service', () => {
  it('creates the tables on an empty database and changes nothing the second time', async () => {
    const database = await createTestDatabase();
    const lines: string[] = [];
    const set = { service: 'ingestion', migrations: ingestionMigrations, tableName: 'ingestion_migrations' };
    try {
      await runMigrations(database.url, [set], (line) => lines.push(line));
      await runMigrations(database.url, [set], (line) => lines.push(line));
      const client = new Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
      await client.end();
      expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(['documents', 'ingestion_migrations', 'jobs']));
      expect(lines).toEqual([expect.stringMatching(/^ingestion: applied /), 'ingestion: schema up to date']);
    } finally {
      await database.drop();
    }
  });
});
