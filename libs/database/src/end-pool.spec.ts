import { createTestDatabase } from '@recollect/testing';
import { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { endPool } from './end-pool';

describe(endPool.name, () => {
  it('resolves only once every connection has closed, so the server can be stopped straight after', async () => {
    const db = await createTestDatabase();
    try {
      const pool = new Pool({ connectionString: db.url, max: 4 });
      await Promise.all(Array.from({ length: 4 }, () => pool.query('SELECT pg_sleep(0.05)')));
      expect(pool.totalCount).toBe(4);
      let closed = 0;
      pool.on('remove', () => closed++);
      await endPool(pool);
      expect(closed).toBe(4);
    } finally {
      await db.drop();
    }
  });

  it('resolves at once for a pool that never connected', async () => {
    const pool = new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    const started = Date.now();
    await endPool(pool, 60_000);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
