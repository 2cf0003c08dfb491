import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { tenantIdentity, type Tenant } from '@recollect/contracts';
import type { DataSource } from 'typeorm';

/** What the index holds of one session, by the sequence of the changes that wrote it. */
export interface SessionVersions {
  /** The last deletion of the session applied; null if none. */
  deletedAt: bigint | null;
  /** Per message asked about, the change that last wrote it; absent if none did (or it was deleted since). */
  messages: Map<string, bigint>;
}

/** The `memory_message_versions` and `memory_session_deletions` tables (see their migration). */
@Injectable()
export class MemoryVersionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async of(tenant: Tenant, sessionId: string, messageIds: readonly string[]): Promise<SessionVersions> {
    const key = tenantIdentity(tenant);
    const [deleted, messages] = await Promise.all([
      this.db.query<Array<{ sequence: string }>>('SELECT sequence FROM memory_session_deletions WHERE tenant = $1 AND session_id = $2', [key, sessionId]),
      this.db.query<Array<{ message_id: string; sequence: string }>>(
        'SELECT message_id, sequence FROM memory_message_versions WHERE tenant = $1 AND session_id = $2 AND message_id = ANY($3::text[])',
        [key, sessionId, messageIds],
      ),
    ]);
    return {
      deletedAt: deleted[0] ? BigInt(deleted[0].sequence) : null,
      messages: new Map(messages.map((row) => [row.message_id, BigInt(row.sequence)])),
    };
  }

  /** The messages of the session a change after `sequence` wrote. */
  async writtenAfter(tenant: Tenant, sessionId: string, sequence: bigint): Promise<string[]> {
    const rows = await this.db.query<Array<{ message_id: string }>>(
      'SELECT message_id FROM memory_message_versions WHERE tenant = $1 AND session_id = $2 AND sequence > $3::bigint',
      [tenantIdentity(tenant), sessionId, sequence.toString()],
    );
    return rows.map((row) => row.message_id);
  }

  /** These messages are written as of `sequence`; a later version already recorded stays. */
  async recordWritten(tenant: Tenant, sessionId: string, messageIds: readonly string[], sequence: bigint): Promise<void> {
    if (messageIds.length === 0) return;
    await this.db.query(
      `INSERT INTO memory_message_versions (tenant, session_id, message_id, sequence)
       SELECT $1, $2, message_id, $4::bigint FROM unnest($3::text[]) AS message_id
       ON CONFLICT (tenant, session_id, message_id) DO UPDATE SET sequence = GREATEST(memory_message_versions.sequence, EXCLUDED.sequence)`,
      [tenantIdentity(tenant), sessionId, [...new Set(messageIds)], sequence.toString()],
    );
  }

  /** The session is deleted as of `sequence`: what a change before it wrote is gone, and a later deletion recorded stays. */
  async recordDeleted(tenant: Tenant, sessionId: string, sequence: bigint): Promise<void> {
    const key = tenantIdentity(tenant);
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO memory_session_deletions (tenant, session_id, sequence) VALUES ($1, $2, $3::bigint)
         ON CONFLICT (tenant, session_id) DO UPDATE SET sequence = GREATEST(memory_session_deletions.sequence, EXCLUDED.sequence)`,
        [key, sessionId, sequence.toString()],
      );
      await tx.query('DELETE FROM memory_message_versions WHERE tenant = $1 AND session_id = $2 AND sequence < $3::bigint', [key, sessionId, sequence.toString()]);
    });
  }
}
