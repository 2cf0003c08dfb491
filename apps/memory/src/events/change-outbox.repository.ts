import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { MEMORY_DATA_SOURCE } from '../memory.tokens';

export interface WaitingChange {
  id: string;
  value: unknown;
  headers: Record<string, string>;
}

export interface NewChange {
  operationId: string;
  /** The bus key: one session's. */
  key: string;
  /** The envelope, serialised once, by the caller that measured it. */
  valueJson: string;
  headers: Record<string, string>;
}

/**
 * Advisory-lock namespace for publishing one key's changes ("mem" + 2). Hash collisions between keys
 * only make two sessions take turns.
 */
const PUBLISH_LOCK_SPACE = 0x6d656d32;
/** Changes published per transaction. */
const PUBLISH_BATCH = 50;

/** The `change_outbox` table: changes stored with their messages, kept until published. */
@Injectable()
export class ChangeOutboxRepository {
  constructor(@InjectDataSource(MEMORY_DATA_SOURCE) private readonly db: DataSource) {}

  async add(tx: EntityManager, change: NewChange): Promise<void> {
    await tx.query('INSERT INTO change_outbox (operation_id, message_key, value, headers) VALUES ($1, $2, $3::json, $4::jsonb)', [
      change.operationId,
      change.key,
      change.valueJson,
      JSON.stringify(change.headers),
    ]);
  }

  /**
   * Hands `publish` the key's waiting changes, oldest first, removing each batch once published, all
   * under the key's publishing lock, so no two publishers interleave one session's changes. If
   * `publish` throws, the batch stays. With `wait` false, stops (answering what it published, or
   * undefined if nothing) when another publisher holds the key, instead of holding a connection while
   * it waits. Batches bound the memory a backlog after an outage takes.
   */
  async publishEach(key: string, wait: boolean, publish: (change: WaitingChange) => Promise<void>): Promise<number | undefined> {
    let total: number | undefined;
    for (;;) {
      const published = await this.publishBatch(key, wait, publish);
      if (published === undefined) return total;
      total = (total ?? 0) + published;
      if (published < PUBLISH_BATCH) return total;
    }
  }

  /**
   * Up to `limit` keys with a change waiting longer than `olderThanMs`, in the order of their oldest
   * change, from those whose oldest change comes after `afterId`; with that change's id.
   */
  async staleKeys(olderThanMs: number, limit: number, afterId: string): Promise<Array<{ key: string; firstId: string }>> {
    const rows = await this.db.query<Array<{ message_key: string; first_id: string }>>(
      `SELECT message_key, min(id)::text AS first_id FROM change_outbox WHERE created_at < now() - make_interval(secs => $1)
       GROUP BY message_key HAVING min(id) > $3::bigint ORDER BY min(id) LIMIT $2`,
      [olderThanMs / 1000, limit, afterId],
    );
    return rows.map((row) => ({ key: row.message_key, firstId: row.first_id }));
  }

  /** How many changes wait to be published, and how long the oldest has (null when none waits). */
  async waiting(): Promise<{ count: number; oldestAgeSeconds: number | null }> {
    const [row] = await this.db.query<Array<{ count: number; oldest_age_seconds: number | null }>>(
      'SELECT count(*)::int AS count, extract(epoch FROM now() - min(created_at))::float8 AS oldest_age_seconds FROM change_outbox',
    );
    return { count: row!.count, oldestAgeSeconds: row!.oldest_age_seconds };
  }

  /** READ COMMITTED: the rows are read after the lock is granted, so they include every change committed before. */
  private publishBatch(key: string, wait: boolean, publish: (change: WaitingChange) => Promise<void>): Promise<number | undefined> {
    return this.db.transaction('READ COMMITTED', async (tx) => {
      const [{ locked }] = await tx.query<Array<{ locked: boolean }>>(
        wait
          ? 'SELECT true AS locked FROM (SELECT pg_advisory_xact_lock($1::int, hashtext($2))) AS taken'
          : 'SELECT pg_try_advisory_xact_lock($1::int, hashtext($2)) AS locked',
        [PUBLISH_LOCK_SPACE, key],
      );
      if (!locked) return undefined;
      const waiting = await tx.query<WaitingChange[]>('SELECT id, value, headers FROM change_outbox WHERE message_key = $1 ORDER BY id LIMIT $2', [key, PUBLISH_BATCH]);
      for (const change of waiting) await publish(change);
      if (waiting.length > 0) await tx.query('DELETE FROM change_outbox WHERE id = ANY($1::bigint[])', [waiting.map((change) => change.id)]);
      return waiting.length;
    });
  }
}
