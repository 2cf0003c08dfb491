import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

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

/** The `change_outbox` table: changes stored with their messages, kept until published. */
@Injectable()
export class ChangeOutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async add(tx: EntityManager, change: NewChange): Promise<void> {
    await tx.query('INSERT INTO change_outbox (operation_id, message_key, value, headers) VALUES ($1, $2, $3::json, $4::jsonb)', [
      change.operationId,
      change.key,
      change.valueJson,
      JSON.stringify(change.headers),
    ]);
  }

  /**
   * Hands `publish` the key's waiting changes, oldest first, then removes them, all while holding the
   * key's publishing lock, so no two publishers interleave one session's changes. If `publish` throws,
   * nothing is removed. With `wait` false, answers undefined at once when another publisher holds the
   * key, instead of holding a connection while it waits.
   */
  publishEach(key: string, wait: boolean, publish: (change: WaitingChange) => Promise<void>): Promise<number | undefined> {
    return this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query<Array<{ locked: boolean }>>(
        wait
          ? 'SELECT true AS locked FROM (SELECT pg_advisory_xact_lock($1::int, hashtext($2))) AS taken'
          : 'SELECT pg_try_advisory_xact_lock($1::int, hashtext($2)) AS locked',
        [PUBLISH_LOCK_SPACE, key],
      );
      if (!locked) return undefined;
      const waiting = await tx.query<WaitingChange[]>('SELECT id, value, headers FROM change_outbox WHERE message_key = $1 ORDER BY id', [key]);
      for (const change of waiting) await publish(change);
      if (waiting.length > 0) await tx.query('DELETE FROM change_outbox WHERE id = ANY($1::bigint[])', [waiting.map((change) => change.id)]);
      return waiting.length;
    });
  }

  /** Keys with a change waiting longer than `olderThanMs`, those waiting longest first. */
  async staleKeys(olderThanMs: number, limit: number): Promise<string[]> {
    const rows = await this.db.query<Array<{ message_key: string }>>(
      `SELECT message_key FROM change_outbox WHERE created_at < now() - make_interval(secs => $1)
       GROUP BY message_key ORDER BY min(id) LIMIT $2`,
      [olderThanMs / 1000, limit],
    );
    return rows.map((row) => row.message_key);
  }
}
