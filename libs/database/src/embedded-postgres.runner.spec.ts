import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '@recollect/testing';

describe('embedded PostgreSQL', () => {
  it('serves a real database that accepts DDL and queries', async () => {
    const db = await createTestDatabase();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE probe (id int primary key, body jsonb)');
    await client.query('INSERT INTO probe VALUES (1, $1)', [{ ok: true }]);
    const { rows } = await client.query('SELECT body FROM probe');
    expect(rows).toEqual([{ body: { ok: true } }]);
    const version = await client.query('SHOW server_version');
    expect(version.rows[0].server_version).toMatch(/^17\./);
    await client.end();
    await db.drop();
  });
});
