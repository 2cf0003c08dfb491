import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, MemoryChangeTypes, readRefusedMessage, storableText, type MemoryChange, type MemoryIndexed, type UnreadableMessageError } from '@recollect/contracts';
import { IngestionEventsPublisher } from '../events/ingestion-events.publisher';
import { MemoryChangeOrder } from './memory-change-order';
import { MemoryIndexingService, type IndexCounts } from './memory-indexing.service';

const NOTHING: IndexCounts = { chunksWritten: 0, chunksDeleted: 0 };

export interface Delivery {
  attempt: number;
  maxAttempts: number;
}

/**
 * Applies one memory change to the index and announces it on `memory.indexed.v1`, which completes the
 * memory operation. On the last attempt the failure is announced too, so no operation waits forever.
 */
@Injectable()
export class MemoryChangeProcessor {
  private readonly logger = new Logger(MemoryChangeProcessor.name);

  constructor(
    private readonly indexing: MemoryIndexingService,
    private readonly order: MemoryChangeOrder,
    private readonly events: IngestionEventsPublisher,
  ) {}

  /** `sequence` is the change's place among its session's (see CHANGE_SEQUENCE_HEADER); without one, it applies whole. */
  async process(change: MemoryChange, delivery: Delivery, sequence?: bigint): Promise<void> {
    let counts: IndexCounts;
    try {
      counts = await this.apply(change, sequence);
    } catch (error) {
      const final = error instanceof DomainError || delivery.attempt >= delivery.maxAttempts;
      const reason = error instanceof Error ? error.message : String(error);
      if (!final) {
        this.logger.warn(`memory operation ${change.payload.operationId} attempt ${delivery.attempt} failed, will retry: ${reason}`);
        throw error;
      }
      const code = error instanceof DomainError ? error.code : ErrorCode.Internal;
      await this.events.memoryIndexed(change, this.outcome(change, { chunksWritten: 0, chunksDeleted: 0 }, { code, message: reason }));
      if (!(error instanceof DomainError)) throw error; // lets the bus dead-letter it
      return;
    }
    await this.events.memoryIndexed(change, this.outcome(change, counts, null));
  }

  /**
   * A change that failed its schema, which the bus dead-letters: if its envelope names the operation
   * and session, the failure is announced as for any change given up on, which fails the operation.
   * A failure to announce it is thrown, for the bus to deliver the change again.
   */
  async failRefused(value: unknown, error: UnreadableMessageError): Promise<void> {
    const refused = readRefusedMessage(value);
    const { operationId, sessionId } = refused?.payload ?? {};
    if (!refused || !operationId || !sessionId) return;
    await this.events.memoryIndexed(refused, {
      operationId,
      sessionId,
      change: refused.type === MemoryChangeTypes.sessionDeleted ? 'deleted' : 'upserted',
      messageIds: [],
      chunksWritten: 0,
      chunksDeleted: 0,
      failure: { code: error.code, message: storableText(error.message) },
    });
  }

  /**
   * What no later change of the session has overtaken, then the record that it was applied, under the
   * session's lock in ingestion's database.
   */
  private apply(change: MemoryChange, sequence: bigint | undefined): Promise<IndexCounts> {
    const { tenant } = change;
    return this.order.exclusive(tenant, change.payload.sessionId, sequence, async (tx) => {
      if (change.type === MemoryChangeTypes.messagesUpserted) {
        const current = await this.order.currentPart(tx, tenant, change.payload, sequence);
        if (current.skipped > 0) {
          this.logger.log(`memory operation ${change.payload.operationId}: left out ${current.skipped} messages later changes of the session wrote (change ${sequence})`);
        }
        const { messages, contextChanged = [] } = current.change;
        const counts = messages.length + contextChanged.length === 0 ? NOTHING : await this.indexing.indexMessages(tenant, current.change, current.staleDocuments);
        await this.order.recordApplied(tx, tenant, current, sequence);
        return counts;
      }
      const scope = await this.order.deletionScope(tx, tenant, change.payload, sequence);
      const counts = scope.wholeSession
        ? await this.indexing.unindexSession(tenant, change.payload)
        : await this.indexing.unindexMessages(tenant, change.payload.sessionId, scope.messageIds);
      await this.order.recordDeleted(tx, tenant, change.payload, sequence);
      return counts;
    });
  }

  private outcome(change: MemoryChange, counts: IndexCounts, failure: MemoryIndexed['failure']): MemoryIndexed {
    const upserted = change.type === MemoryChangeTypes.messagesUpserted;
    return {
      operationId: change.payload.operationId,
      sessionId: change.payload.sessionId,
      change: upserted ? 'upserted' : 'deleted',
      messageIds: upserted ? change.payload.messages.map((m) => m.id) : change.payload.messageIds,
      ...counts,
      failure,
    };
  }
}
