import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@recollect/testing';
import { AnalyzeOnGrowth } from './analyze-on-growth';

describe(AnalyzeOnGrowth.name, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 4 });
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  // Two indices that begin with the same columns, as the documents table has, created in the order
  // that makes PostgreSQL 17 without statistics pick the wrong one for a look-up by name. Autovacuum
  // is off for it, so every analysis counted below is this class's.
  const createFiles = async (): Promise<void> => {
    await pool.query('DROP TABLE IF EXISTS files');
    await pool.query('CREATE TABLE files (id serial PRIMARY KEY, owner text NOT NULL, team text, name text NOT NULL, folder text NOT NULL) WITH (autovacuum_enabled = false)');
    await pool.query('CREATE INDEX files_owner_name_idx ON files (owner, team, name)');
    await pool.query('CREATE INDEX files_owner_folder_idx ON files (owner, team, folder)');
  };
  beforeEach(createFiles);

  let written = 0;
  const write = async (count: number): Promise<void> => {
    await pool.query(`INSERT INTO files (owner, team, name, folder) SELECT 'alice', 'red', 'file-' || i, 'folder-' || i FROM generate_series($1::int, $2::int) AS i`, [written, written + count - 1]);
    written += count;
  };
  /** Writes rows and notes them, as a repository does after its insert. */
  const grow = async (sut: AnalyzeOnGrowth, count: number): Promise<void> => {
    await write(count);
    await sut.noteWritten(count);
  };
  const analyses = async (): Promise<number> =>
    Number((await pool.query<{ n: string }>(`SELECT analyze_count AS n FROM pg_stat_all_tables WHERE relid = 'files'::regclass`)).rows[0]!.n);
  const indexFor = async (query: string): Promise<string | undefined> => {
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query}`);
    return /using (\w+)/.exec(rows.map((row) => row['QUERY PLAN']).join('\n'))?.[1];
  };
  // The shape of the documents table's file-name check: names to look up, joined to the table.
  const byName = `SELECT f.id FROM unnest(ARRAY['alice', 'alice'], ARRAY['red', 'red'], ARRAY['file-7', 'file-8']) AS q(owner, team, name) JOIN files f ON f.owner = q.owner AND f.team = q.team AND f.name = q.name`;

  it('analyses a table without statistics once the floor is written, and the planner then picks the index that fits', async () => {
    const sut = new AnalyzeOnGrowth(pool, 'files', { floorRows: 500 });
    await grow(sut, 499);
    expect(await analyses()).toBe(0);
    // A precondition, PostgreSQL's and not this class's: without statistics both indices look alike.
    expect(await indexFor(byName)).toBe('files_owner_folder_idx');

    await grow(sut, 100);
    expect(await analyses()).toBe(1);
    expect(await indexFor(byName)).toBe('files_owner_name_idx');
  });

  it('analyses again each time the table has doubled since, by PostgreSQL\'s count of its rows', async () => {
    const sut = new AnalyzeOnGrowth(pool, 'files', { floorRows: 500 });
    await grow(sut, 600);
    expect(await analyses()).toBe(1);

    await grow(sut, 599);
    expect(await analyses()).toBe(1);
    await grow(sut, 1);
    expect(await analyses()).toBe(2);
  });

  it('runs one analysis for writes noted at once', async () => {
    await write(1000);
    const sut = new AnalyzeOnGrowth(pool, 'files', { floorRows: 500 });
    await Promise.all(Array.from({ length: 10 }, () => sut.noteWritten(100)));
    expect(await analyses()).toBe(1);
  });

  it('starts from the statistics PostgreSQL already holds, and leaves tables past the ceiling to autovacuum', async () => {
    await write(1000);
    await pool.query('ANALYZE files');
    const sut = new AnalyzeOnGrowth(pool, 'files', { floorRows: 500, ceilingRows: 2000 });
    await grow(sut, 999);
    expect(await analyses()).toBe(1);
    await grow(sut, 1);
    expect(await analyses()).toBe(2);

    // 2,000 rows at the last analysis: the ceiling.
    await grow(sut, 3000);
    expect(await analyses()).toBe(2);
  });

  it('reports a failed analysis to its handler, never to the write, and tries again at a later write', async () => {
    const errors: unknown[] = [];
    const sut = new AnalyzeOnGrowth(pool, 'files', { floorRows: 500, onError: (error) => errors.push(error) });
    await sut.noteWritten(100); // reads the table's statistics: none
    await pool.query('DROP TABLE files');
    await expect(sut.noteWritten(500)).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);

    await createFiles();
    await write(700);
    await sut.noteWritten(100);
    expect(errors).toHaveLength(1);
    expect(await analyses()).toBe(1);
  });

  it('gives up, saying so once, on a table that does not exist', async () => {
    const errors: unknown[] = [];
    const sut = new AnalyzeOnGrowth(pool, 'no_such_table', { floorRows: 1, onError: (error) => errors.push(error) });
    await expect(sut.noteWritten(5)).resolves.toBeUndefined();
    await sut.noteWritten(5);
    expect(errors.map(String)).toEqual([expect.stringMatching(/no_such_table not found/)]);
  });

  it('gives up, saying so once, when its role may not analyse the table (PostgreSQL would only warn)', async () => {
    const role = `reader_${randomBytes(4).toString('hex')}`;
    await pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader'`);
    await pool.query(`GRANT SELECT ON files TO ${role}`);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'reader';
    const readerPool = new Pool({ connectionString: url.toString(), max: 1 });
    try {
      await write(600);
      const errors: unknown[] = [];
      const sut = new AnalyzeOnGrowth(readerPool, 'files', { floorRows: 500, onError: (error) => errors.push(error) });
      await sut.noteWritten(600);
      await sut.noteWritten(600);
      expect(errors.map(String)).toEqual([expect.stringMatching(/may not analyse files/)]);
      expect(await analyses()).toBe(0);
    } finally {
      await readerPool.end();
      await pool.query(`DROP OWNED BY ${role}`);
      await pool.query(`DROP ROLE ${role}`);
    }
  });

  it('counts nothing for an empty write', async () => {
    const errors: unknown[] = [];
    const sut = new AnalyzeOnGrowth(pool, 'no_such_table', { floorRows: 1, onError: (error) => errors.push(error) });
    await sut.noteWritten(0);
    expect(errors).toEqual([]);
  });

  it('keeps a handler that throws from failing the write', async () => {
    const sut = new AnalyzeOnGrowth(pool, 'no_such_table', {
      onError: () => {
        throw new Error('the handler failed');
      },
    });
    await expect(sut.noteWritten(5)).resolves.toBeUndefined();
  });
});
