import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { tenantIdentity, type Tenant } from '@recollect/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { INGESTION_DATA_SOURCE } from '../ingestion.tokens';

/** The changes that last wrote one message: its chunks (null if none numbered did) and its lexical document. */
export interface MessageVersion {
  chunks: bigint | null;
  document: bigint;
}

/** What the index holds of one session, by the sequence of the changes that wrote it. */
export interface SessionVersions {
  /** The last deletion of the session applied; null if none. */
  deletedAt: bigint | null;
  /** Per message asked about that a numbered change wrote (and no deletion removed since). */
  messages: Map<string, MessageVersion>;
}

/** What one applied change wrote: the messages whose chunks (and document), and those whose document alone. */
export interface WrittenMessages {
  chunks: readonly string[];
  documents: readonly string[];
}

/**
 * Advisory-lock namespace for applying one session's changes in ingestion ("ing" + 1): a change's
 * check, index writes and record happen under it, so two consumers of one partition during a
 * rebalance cannot interleave them.
 */
const SESSION_LOCK_SPACE = 0x696e6731;

/** The `memory_message_versions` and `memory_session_deletions` tables (see their migration). */
@Injectable()
export class MemoryVersionsRepository {
  constructor(@InjectDataSource(INGESTION_DATA_SOURCE) private readonly db: DataSource) {}

  /**
   * Runs `work` in a transaction holding the session's lock until it settles. The work reads and
   * records versions on that transaction: one connection per change, however many run at once.
   */
  exclusive<T>(tenant: Tenant, sessionId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [SESSION_LOCK_SPACE, JSON.stringify([tenantIdentity(tenant), sessionId])]);
      return work(tx);
    });
  }

  async of(tx: EntityManager, tenant: Tenant, sessionId: string, messageIds: readonly string[]): Promise<SessionVersions> {
    const rows = await tx.query<Array<{ message_id: string | null; chunks_sequence: string | null; document_sequence: string | null; deleted_at: string | null }>>(
      `SELECT v.message_id, v.chunks_sequence, v.document_sequence, d.sequence AS deleted_at
       FROM (SELECT 1) AS one
       LEFT JOIN memory_session_deletions d ON d.tenant = $1 AND d.session_id = $2
       LEFT JOIN memory_message_versions v ON v.tenant = $1 AND v.session_id = $2 AND v.message_id = ANY($3::text[])`,
      [tenantIdentity(tenant), sessionId, messageIds],
    );
    const deletedAt = rows[0]?.deleted_at;
    const messages = new Map<string, MessageVersion>();
    for (const row of rows) {
      if (row.message_id === null) continue;
      messages.set(row.message_id, { chunks: row.chunks_sequence === null ? null : BigInt(row.chunks_sequence), document: BigInt(row.document_sequence!) });
    }
    return { deletedAt: deletedAt === null || deletedAt === undefined ? null : BigInt(deletedAt), messages };
  }

  /** The messages of the session a change after `sequence` wrote. */
  async writtenAfter(tx: EntityManager, tenant: Tenant, sessionId: string, sequence: bigint): Promise<string[]> {
    const rows = await tx.query<Array<{ message_id: string }>>(
      `SELECT message_id FROM memory_message_versions
       WHERE tenant = $1 AND session_id = $2 AND GREATEST(chunks_sequence, document_sequence) > $3::bigint`,
      [tenantIdentity(tenant), sessionId, sequence.toString()],
    );
    return rows.map((row) => row.message_id);
  }

  /** What a change numbered `sequence` wrote; a later version already recorded stays. */
  async recordWritten(tx: EntityManager, tenant: Tenant, sessionId: string, written: WrittenMessages, sequence: bigint): Promise<void> {
    const chunks = new Set(written.chunks);
    const ids = [...new Set([...written.chunks, ...written.documents])];
    if (ids.length === 0) return;
    await tx.query(
      `INSERT INTO memory_message_versions (tenant, session_id, message_id, chunks_sequence, document_sequence)
       SELECT $1, $2, t.message_id, CASE WHEN t.with_chunks THEN $5::bigint END, $5::bigint FROM unnest($3::text[], $4::boolean[]) AS t(message_id, with_chunks)
       ON CONFLICT (tenant, session_id, message_id) DO UPDATE SET
         chunks_sequence = GREATEST(memory_message_versions.chunks_sequence, EXCLUDED.chunks_sequence),
         document_sequence = GREATEST(memory_message_versions.document_sequence, EXCLUDED.document_sequence)`,
      [tenantIdentity(tenant), sessionId, ids, ids.map((id) => chunks.has(id)), sequence.toString()],
    );
  }

  /** The session is deleted as of `sequence`: what only changes before it wrote is gone, and a later deletion recorded stays. */
  async recordDeleted(tx: EntityManager, tenant: Tenant, sessionId: string, sequence: bigint): Promise<void> {
    const key = tenantIdentity(tenant);
    await tx.query(
      `INSERT INTO memory_session_deletions (tenant, session_id, sequence) VALUES ($1, $2, $3::bigint)
       ON CONFLICT (tenant, session_id) DO UPDATE SET sequence = GREATEST(memory_session_deletions.sequence, EXCLUDED.sequence)`,
      [key, sessionId, sequence.toString()],
    );
    await tx.query('DELETE FROM memory_message_versions WHERE tenant = $1 AND session_id = $2 AND GREATEST(chunks_sequence, document_sequence) < $3::bigint', [
      key,
      sessionId,
      sequence.toString(),
    ]);
  }
}
