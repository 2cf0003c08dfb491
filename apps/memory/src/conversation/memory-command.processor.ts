import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, MemoryCommandTypes, readRefusedMessage, storableText, type MemoryCommand, type OperationKind, type UnreadableMessageError } from '@recollect/contracts';
import { MemoryEventsPublisher } from '../events/memory-events.publisher';
import { OperationsRepository } from '../operations/operations.repository';
import { ConversationRepository } from './conversation.repository';
import { ConversationWriter } from './conversation-writer.service';

export interface Delivery {
  attempt: number;
  maxAttempts: number;
}

const KIND: Record<MemoryCommand['type'], OperationKind> = {
  [MemoryCommandTypes.add]: 'add',
  [MemoryCommandTypes.update]: 'update',
  [MemoryCommandTypes.delete]: 'delete',
};

/**
 * Applies one memory command as an operation: the messages and the operation's `stored` state commit
 * together, then the change is published for ingestion. A redelivery re-applies (message ids are
 * fixed, so it converges) unless the operation already finished.
 */
@Injectable()
export class MemoryCommandProcessor {
  private readonly logger = new Logger(MemoryCommandProcessor.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly writer: ConversationWriter,
    private readonly operations: OperationsRepository,
    private readonly events: MemoryEventsPublisher,
  ) {}

  async process(command: MemoryCommand, delivery: Delivery): Promise<void> {
    const { operationId, sessionId } = command.payload;
    if ((await this.operations.begin(operationId, command.tenant, KIND[command.type], sessionId)) === 'skip') return;
    try {
      await this.apply(command);
    } catch (error) {
      await this.recordFailure(command, error, delivery);
    }
  }

  /**
   * A command that failed its schema, which the bus dead-letters: if its envelope names an operation
   * and its session, the operation fails with the reason, so its sender (a synchronous route waiting,
   * or a client polling) sees why instead of an operation accepted for good. A failure to record that
   * is thrown, for the bus to deliver the command again.
   */
  async failRefused(value: unknown, error: UnreadableMessageError): Promise<void> {
    const refused = readRefusedMessage(value);
    const kind = refused && Object.hasOwn(KIND, refused.type) ? KIND[refused.type as MemoryCommand['type']] : undefined;
    const { operationId, sessionId } = refused?.payload ?? {};
    if (!refused || !kind || !operationId || !sessionId) return;
    if ((await this.operations.begin(operationId, refused.tenant, kind, sessionId)) === 'skip') return;
    await this.operations.fail(operationId, refused.tenant, error.code, storableText(error.message));
  }

  private async apply(command: MemoryCommand): Promise<void> {
    const { tenant } = command;
    switch (command.type) {
      case MemoryCommandTypes.add:
      case MemoryCommandTypes.update: {
        const outcome = await this.conversations.transaction(async (tx) => {
          const written =
            command.type === MemoryCommandTypes.add
              ? await this.writer.add(tx, tenant, command.payload)
              : await this.writer.update(tx, tenant, command.payload);
          await this.operations.markStored(tx, command.payload.operationId, written);
          return written;
        });
        await this.events.messagesUpserted(command, outcome.change);
        return;
      }
      case MemoryCommandTypes.delete: {
        const deleted = await this.conversations.transaction(async (tx) => {
          const change = await this.writer.delete(tx, tenant, command.payload);
          await this.operations.markStored(tx, command.payload.operationId, { messageIds: change.messageIds, updatedEntries: change.messageIds.length });
          return change;
        });
        await this.events.sessionDeleted(command, deleted);
        return;
      }
    }
  }

  /** Domain errors (an unknown session) are final; anything else is retried by the bus until its last attempt. */
  private async recordFailure(command: MemoryCommand, error: unknown, delivery: Delivery): Promise<void> {
    const { operationId } = command.payload;
    const reason = error instanceof Error ? error.message : String(error);
    const final = error instanceof DomainError || delivery.attempt >= delivery.maxAttempts;
    if (!final) {
      this.logger.warn(`operation ${operationId} attempt ${delivery.attempt} failed, will retry: ${reason}`);
      await this.operations.noteAttemptFailure(operationId, reason);
      throw error;
    }
    await this.operations.fail(operationId, command.tenant, error instanceof DomainError ? error.code : ErrorCode.Internal, reason);
    if (!(error instanceof DomainError)) throw error; // lets the bus dead-letter it
  }
}
