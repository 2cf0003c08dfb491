import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';

/**
 * Returns how to end `pool`: the returned function resolves once every connection has closed, or
 * `graceMs` after pg-pool's own end(). That end() resolves once it has asked each connection to
 * close; a server stopped straight after still finds some open, and the pool reports each one it
 * drops as an error. Take it right after creating the pool: it counts connections from the pool's
 * events ('connect' for each made, 'remove' once each has closed).
 */
export function poolEnder(pool: Pool, graceMs = 2_000): () => Promise<void> {
  let open = 0;
  let allClosed: (() => void) | undefined;
  pool.on('connect', () => open++);
  pool.on('remove', () => {
    if (--open === 0) allClosed?.();
  });
  return async () => {
    await pool.end();
    if (open === 0) return;
    const closing = new AbortController();
    await Promise.race([new Promise<void>((resolve) => (allClosed = resolve)), sleep(graceMs, undefined, { signal: closing.signal }).catch(() => undefined)]);
    closing.abort();
  };
}
