import { createTestDatabase } from '@recollect/testing';
import { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { poolEnder } from './pool-ender';

describe(poolEnder.name, () => {
  it('resolves only once every connection has closed, so the server can be stopped straight after', async () => {
    const db = await createTestDatabase();
    try {
      const pool = new Pool({ connectionString: db.url, max: 4 });
      const end = poolEnder(pool);
      await Promise.all(Array.from({ length: 4 }, () => pool.query('SELECT pg_sleep(0.05)')));
      let closed = 0;
      pool.on('remove', () => closed++);
      await end();
      expect(closed).toBe(4);
    } finally {
      await db.drop();
    }
  });

  it('counts a connection already closing when the pool ends, which the pool no longer lists', async () => {
    const db = await createTestDatabase();
    try {
      const pool = new Pool({ connectionString: db.url, max: 2 });
      const end = poolEnder(pool);
      const clients = await Promise.all([pool.connect(), pool.connect()]);
      let closed = 0;
      pool.on('remove', () => closed++);
      clients[0]!.release(true); // closed and dropped from the pool's list at once; 'remove' follows once it has closed
      clients[1]!.release();
      await end();
      expect(closed).toBe(2);
    } finally {
      await db.drop();
    }
  });

  it('resolves at once for a pool that never connected', async () => {
    const end = poolEnder(new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }), 60_000);
    const started = Date.now();
    await end();
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
