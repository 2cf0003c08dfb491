import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { lastValueFrom } from 'rxjs';
import type { DataSource, EntityManager } from 'typeorm';
import { BUS_CLIENT } from '@recollect/bus';
import { MemoryChangeTypes, Topics, makeEnvelope, sessionKey, type Envelope, type MessagesUpserted, type SessionDeleted, type Tenant } from '@recollect/contracts';

interface WaitingChange {
  id: string;
  value: unknown;
  headers: Record<string, string>;
}

/** What one pass over the changes left waiting did. */
export interface RelayPass {
  published: number;
  /** Sessions whose changes could not be published this time; they stay, in order, for the next pass. */
  failedSessions: number;
}

/**
 * What the memory service stored, for ingestion and any other subscriber of `memory.changes.v1`. A
 * change is written here in the transaction that stores its messages, then published: never before
 * they are stored, and never lost to a failed publish or a process stopping in between (the next
 * delivery of its command, or the relay, publishes it). A session's changes go out in the order
 * they were stored.
 */
@Injectable()
export class ChangeOutbox {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(BUS_CLIENT) private readonly bus: ClientProxy,
  ) {}

  messagesUpserted(tx: EntityManager, cause: Envelope<unknown>, change: MessagesUpserted): Promise<void> {
    return this.enqueue(tx, MemoryChangeTypes.messagesUpserted, cause, change.operationId, change.sessionId, change);
  }

  sessionDeleted(tx: EntityManager, cause: Envelope<unknown>, change: SessionDeleted): Promise<void> {
    return this.enqueue(tx, MemoryChangeTypes.sessionDeleted, cause, change.operationId, change.sessionId, change);
  }

  /**
   * Publishes the session's waiting changes, oldest first, and removes them once all are published.
   * Throws when one cannot be: it stays, with those after it, and the ones before it go out again
   * next time (a subscriber may see a change twice, never out of order).
   */
  publishPending(tenant: Tenant, sessionId: string): Promise<number> {
    return this.publishKey(sessionKey(tenant, sessionId));
  }

  /**
   * Publishes the changes of up to `sessions` sessions that have waited longer than `olderThanMs`:
   * those whose command gave up publishing them after its last delivery. A session that fails is left
   * for the next pass; the others go on.
   */
  async publishStale(olderThanMs: number, sessions = 100): Promise<RelayPass> {
    const keys = await this.db.query<Array<{ message_key: string }>>(
      `SELECT message_key FROM change_outbox WHERE created_at < now() - make_interval(secs => $1)
       GROUP BY message_key ORDER BY min(id) LIMIT $2`,
      [olderThanMs / 1000, sessions],
    );
    const pass: RelayPass = { published: 0, failedSessions: 0 };
    for (const { message_key: key } of keys) {
      try {
        pass.published += await this.publishKey(key);
      } catch {
        pass.failedSessions += 1;
      }
    }
    return pass;
  }

  private async enqueue(tx: EntityManager, type: string, cause: Envelope<unknown>, operationId: string, sessionId: string, payload: unknown): Promise<void> {
    const value = makeEnvelope(type, cause.tenant, cause.correlationId, payload);
    await tx.query('INSERT INTO change_outbox (operation_id, message_key, value, headers) VALUES ($1, $2, $3::json, $4::jsonb)', [
      operationId,
      sessionKey(cause.tenant, sessionId),
      JSON.stringify(value),
      JSON.stringify({ 'x-correlation-id': cause.correlationId }),
    ]);
  }

  private publishKey(key: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      // Locked until published and removed: another delivery, or the relay, waits and then finds them gone.
      const waiting = await tx.query<WaitingChange[]>('SELECT id, value, headers FROM change_outbox WHERE message_key = $1 ORDER BY id FOR UPDATE', [key]);
      for (const { value, headers } of waiting) {
        await lastValueFrom(this.bus.emit(Topics.memoryChanges, { key, value, headers }), { defaultValue: undefined });
      }
      if (waiting.length > 0) await tx.query('DELETE FROM change_outbox WHERE id = ANY($1::bigint[])', [waiting.map((change) => change.id)]);
      return waiting.length;
    });
  }
}
