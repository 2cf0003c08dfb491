import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { FINISHED_OPERATION_STATUSES, type OperationKind, type OperationStatus, type Tenant } from '@recollect/contracts';
import { tenantRowLookup, type TenantRowLookup } from '@recollect/database';
import { belongsTo, tenantWhere } from '../tenant-where';
import { OperationEntity } from './operation.entity';
import { MEMORY_DATA_SOURCE } from '../memory.tokens';

const UNFINISHED: OperationStatus[] = ['accepted', 'stored'];

@Injectable()
export class OperationsRepository {
  /** Every status poll and every synchronous memory/add's wait reads an operation: a named statement, not a TypeORM query. */
  private readonly findOperation: TenantRowLookup<OperationEntity>;

  constructor(@InjectDataSource(MEMORY_DATA_SOURCE) private readonly db: DataSource) {
    this.findOperation = tenantRowLookup(db, OperationEntity);
  }

  /**
   * Counts one more attempt and answers where the operation stands: `accepted` (to apply), `stored`
   * (an earlier delivery stored it; only its change may remain to publish) or `finished` (a
   * redelivered command, skipped).
   */
  begin(id: string, tenant: Tenant, kind: OperationKind, sessionId: string): Promise<'accepted' | 'stored' | 'finished'> {
    return this.db.transaction(async (tx) => {
      await tx
        .createQueryBuilder()
        .insert()
        .into(OperationEntity)
        .values({ id, userId: tenant.userId, organizationId: tenant.organizationId, kind, sessionId, status: 'accepted' })
        .orIgnore()
        .execute();
      const operation = await tx.getRepository(OperationEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!operation || !belongsTo(operation, tenant)) throw new Error(`Operation ${id} belongs to another tenant`);
      if (FINISHED_OPERATION_STATUSES.includes(operation.status)) return 'finished';
      await tx.getRepository(OperationEntity).update(id, { attemptsMade: operation.attemptsMade + 1 });
      return operation.status === 'stored' ? 'stored' : 'accepted';
    });
  }

  /**
   * First thing in the transaction that stores the operation: locks its row until that commits, and
   * answers whether it is still to store. Another delivery of the command (a replica that took the
   * partition over while this one stalled) may have stored it since `begin`.
   */
  async claimForStore(tx: EntityManager, id: string): Promise<boolean> {
    const operation = await tx.getRepository(OperationEntity).findOne({ select: { status: true }, where: { id }, lock: { mode: 'pessimistic_write' } });
    return operation?.status === 'accepted';
  }

  /** In the transaction that stored the messages, so the two never disagree. */
  async markStored(tx: EntityManager, id: string, result: { messageIds: string[]; updatedEntries: number }): Promise<void> {
    await tx
      .getRepository(OperationEntity)
      .update({ id, status: In(UNFINISHED) }, { status: 'stored', messageIds: result.messageIds, updatedEntries: result.updatedEntries, storedAt: new Date() });
  }

  async complete(id: string, tenant: Tenant): Promise<void> {
    await this.db
      .getRepository(OperationEntity)
      .update({ id, ...tenantWhere(tenant), status: In(UNFINISHED) }, { status: 'completed', errorCode: null, errorMessage: null, finishedOn: new Date() });
  }

  /** Ingestion gave up on the operation's change: stored or not, it failed. */
  async fail(id: string, tenant: Tenant, code: string, message: string): Promise<void> {
    await this.failFrom(UNFINISHED, id, tenant, code, message);
  }

  /**
   * A command that could not store its operation: fails it only if nothing stored it meanwhile (a
   * concurrent delivery, or a commit whose acknowledgement was lost), since a stored operation's
   * change is on its way to being indexed.
   */
  async failUnstored(id: string, tenant: Tenant, code: string, message: string): Promise<void> {
    await this.failFrom(['accepted'], id, tenant, code, message);
  }

  private async failFrom(statuses: OperationStatus[], id: string, tenant: Tenant, code: string, message: string): Promise<void> {
    await this.db
      .getRepository(OperationEntity)
      .update({ id, ...tenantWhere(tenant), status: In(statuses) }, { status: 'failed', errorCode: code, errorMessage: message, finishedOn: new Date() });
  }

  /** A transient failure: the operation stays where it was and the bus redelivers the command. */
  async noteAttemptFailure(id: string, message: string): Promise<void> {
    await this.db.getRepository(OperationEntity).update(id, { errorMessage: message });
  }

  findForTenant(id: string, tenant: Tenant): Promise<OperationEntity | null> {
    return this.findOperation(id, tenant);
  }
}
