import type { Pool } from 'pg';

/**
 * Ends `pool` and resolves once its connections have closed, or after `graceMs`. pg-pool's own end()
 * resolves once it has asked each connection to close: a server stopped straight after still finds
 * some open, and the pool reports each one it drops as an error.
 */
export async function endPool(pool: Pool, graceMs = 2_000): Promise<void> {
  let open = pool.totalCount;
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) return resolve();
    pool.on('remove', () => --open === 0 && resolve());
    // A connection still being made when the pool ends may fail without a 'remove'.
    timer = setTimeout(resolve, graceMs);
  });
  try {
    await pool.end();
    await closed;
  } finally {
    clearTimeout(timer);
  }
}
