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

  // Two indices that begin with the same columns, as the documents table has, in the order that
  // makes PostgreSQL without statistics pick the wrong one for a look-up by name.
  beforeEach(async () => {
    await pool.query('DROP TABLE IF EXISTS files');
    await pool.query('CREATE TABLE files (id serial PRIMARY KEY, owner text NOT NULL, team text, name text NOT NULL, folder text NOT NULL)');
    await pool.query('CREATE INDEX files_owner_name_idx ON files (owner, team, name)');
    await pool.query('CREATE INDEX files_owner_folder_idx ON files (owner, team, folder)');
  });

  const write = async (count: number, from = 0): Promise<void> => {
    await pool.query(`INSERT INTO files (owner, team, name, folder) SELECT 'alice', 'red', 'file-' || i, 'folder-' || i FROM generate_series($1::int, $2::int) AS i`, [from, from + count - 1]);
  };
  const analyseCount = async (): Promise<number> =>
    Number((await pool.query<{ n: string }>(`SELECT analyze_count AS n FROM pg_stat_all_tables WHERE relid = 'files'::regclass`)).rows[0]!.n);
  const indexFor = async (query: string): Promise<string | undefined> => {
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query}`);
    return /using (\w+)/.exec(rows.map((row) => row['QUERY PLAN']).join('\n'))?.[1];
  };

  it('analyses a table never analysed once the floor is written, and the planner then picks the index that fits', async () => {
    const statistics = new AnalyzeOnGrowth(pool, 'files', { floorRows: 500 });
    await write(499);
    await statistics.noteWritten(499);
    expect(await analyseCount()).toBe(0);
    // The shape of the documents table's file-name check: names to look up, joined to the table.
    const byName = `SELECT f.id FROM unnest(ARRAY['alice', 'alice'], ARRAY['red', 'red'], ARRAY['file-7', 'file-8']) AS q(owner, team, name) JOIN files f ON f.owner = q.owner AND f.team = q.team AND f.name = q.name`;
    // Without statistics both indices look alike, and the planner reads all of alice's rows.
    expect(await indexFor(byName)).toBe('files_owner_folder_idx');

    await write(100, 499);
    await statistics.noteWritten(100);
    expect(await analyseCount()).toBe(1);
    expect(await indexFor(byName)).toBe('files_owner_name_idx');
  });

  it('analyses again each time the table has doubled since, and not before', async () => {
    const statistics = new AnalyzeOnGrowth(pool, 'files', { floorRows: 500 });
    await write(600);
    await statistics.noteWritten(600);
    expect(await analyseCount()).toBe(1);

    await write(599, 600);
    await statistics.noteWritten(599);
    expect(await analyseCount()).toBe(1);
    await write(1, 1199);
    await statistics.noteWritten(1);
    expect(await analyseCount()).toBe(2);
  });

  it('starts from the statistics PostgreSQL already holds, and leaves tables past the ceiling to autovacuum', async () => {
    await write(1000);
    await pool.query('ANALYZE files');
    const statistics = new AnalyzeOnGrowth(pool, 'files', { floorRows: 500, ceilingRows: 2000 });
    await statistics.noteWritten(999);
    expect(await analyseCount()).toBe(1);
    await statistics.noteWritten(1);
    expect(await analyseCount()).toBe(2);

    // 2,000 rows analysed: the ceiling.
    await statistics.noteWritten(10_000);
    expect(await analyseCount()).toBe(2);
  });

  it('reports a failure to its caller\'s handler, never to the write, and tries again later', async () => {
    const errors: unknown[] = [];
    const statistics = new AnalyzeOnGrowth(pool, 'no_such_table', { floorRows: 1, onError: (error) => errors.push(error) });
    await expect(statistics.noteWritten(5)).resolves.toBeUndefined();
    await expect(statistics.noteWritten(5)).resolves.toBeUndefined();
    expect(errors).toHaveLength(2);
    expect(String(errors[0])).toMatch(/no_such_table not found/);
  });

  it('counts nothing for an empty write', async () => {
    const statistics = new AnalyzeOnGrowth(pool, 'files', { floorRows: 1 });
    await write(10);
    await statistics.noteWritten(0);
    expect(await analyseCount()).toBe(0);
  });
});
