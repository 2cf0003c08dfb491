import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Tenant } from '@recollect/contracts';
import { sessionRowId } from '../memory-ids';
import { belongsTo, tenantWhere } from '../tenant-where';
import { MessageEntity } from './message.entity';
import { SessionEntity } from './session.entity';
import { MEMORY_DATA_SOURCE } from '../memory.tokens';

/** Advisory-lock namespace for writing one session ("mem" + 1); a hash collision only makes two sessions take turns. */
const WRITE_LOCK_SPACE = 0x6d656d31;

export type Neighbour = Pick<MessageEntity, 'position' | 'authorName' | 'text'>;

/** Sessions and messages in PostgreSQL. Writes run inside the caller's transaction. */
@Injectable()
export class ConversationRepository {
  constructor(@InjectDataSource(MEMORY_DATA_SOURCE) private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * Makes the transaction the only writer of the session until it ends, whether the session exists or
   * not: a delete of a session not created yet locks no row, and an add creating it beside it would
   * commit, and publish, in the other order.
   */
  async lockSessionWrites(tx: EntityManager, tenant: Tenant, sessionId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [WRITE_LOCK_SPACE, sessionRowId(tenant, sessionId)]);
  }

  /** The tenant's session, created if missing, locked until the transaction ends so one session's writes never interleave. */
  async lockOrCreateSession(tx: EntityManager, tenant: Tenant, sessionId: string, agentId: string | null): Promise<SessionEntity> {
    const id = sessionRowId(tenant, sessionId);
    await tx
      .createQueryBuilder()
      .insert()
      .into(SessionEntity)
      .values({ id, userId: tenant.userId, organizationId: tenant.organizationId, sessionId, agentId, messageCount: 0 })
      .orIgnore()
      .execute();
    const session = await this.lockSession(tx, tenant, sessionId);
    if (!session) throw new Error(`Session row ${id} belongs to another tenant`);
    return session;
  }

  async lockSession(tx: EntityManager, tenant: Tenant, sessionId: string): Promise<SessionEntity | null> {
    const session = await tx.getRepository(SessionEntity).findOne({ where: { id: sessionRowId(tenant, sessionId) }, lock: { mode: 'pessimistic_write' } });
    return session && belongsTo(session, tenant) && session.sessionId === sessionId ? session : null;
  }

  async saveSession(tx: EntityManager, session: SessionEntity): Promise<void> {
    await tx.getRepository(SessionEntity).update(session.id, { agentId: session.agentId, messageCount: session.messageCount, updatedAt: new Date() });
  }

  findMessages(tx: EntityManager, sessionRow: string, messageIds: string[]): Promise<MessageEntity[]> {
    if (messageIds.length === 0) return Promise.resolve([]);
    return tx.getRepository(MessageEntity).find({ where: { sessionRowId: sessionRow, messageId: In(messageIds) } });
  }

  async upsertMessages(tx: EntityManager, rows: MessageEntity[]): Promise<void> {
    if (rows.length > 0) await tx.getRepository(MessageEntity).upsert(rows as QueryDeepPartialEntity<MessageEntity>[], ['id']);
  }

  /** The whole messages at these positions. */
  messageRowsAt(tx: EntityManager, sessionRow: string, positions: number[]): Promise<MessageEntity[]> {
    if (positions.length === 0) return Promise.resolve([]);
    return tx.getRepository(MessageEntity).find({ where: { sessionRowId: sessionRow, position: In([...new Set(positions)]) }, order: { position: 'ASC' } });
  }

  /** Author and text of the messages at these positions (the neighbours that give short turns their context). */
  messagesAt(tx: EntityManager, sessionRow: string, positions: number[]): Promise<Neighbour[]> {
    if (positions.length === 0) return Promise.resolve([]);
    return tx.getRepository(MessageEntity).find({
      select: { position: true, authorName: true, text: true },
      where: { sessionRowId: sessionRow, position: In([...new Set(positions)]) },
    });
  }

  async messageIdsOf(tx: EntityManager, sessionRow: string): Promise<string[]> {
    const rows = await tx.getRepository(MessageEntity).find({ select: { messageId: true }, where: { sessionRowId: sessionRow }, order: { position: 'ASC' } });
    return rows.map((row) => row.messageId);
  }

  /** Messages go with their session (ON DELETE CASCADE). */
  async deleteSession(tx: EntityManager, session: SessionEntity): Promise<void> {
    await tx.getRepository(SessionEntity).delete({ id: session.id, ...tenantWhere({ userId: session.userId, organizationId: session.organizationId }) });
  }

  /** For reads outside a command: the tenant's messages of one session, in order. */
  listMessages(tenant: Tenant, sessionId: string): Promise<MessageEntity[]> {
    return this.db
      .getRepository(MessageEntity)
      .find({ where: { sessionRowId: sessionRowId(tenant, sessionId), ...tenantWhere(tenant) }, order: { position: 'ASC' } });
  }

  findSession(tenant: Tenant, sessionId: string): Promise<SessionEntity | null> {
    return this.db.getRepository(SessionEntity).findOneBy({ id: sessionRowId(tenant, sessionId), sessionId, ...tenantWhere(tenant) });
  }
}
