import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, MemoryCommandTypes, readRefusedMessage, storableText, type MemoryCommand, type OperationKind, type UnreadableMessageError } from '@recollect/contracts';
import { ChangeOutbox } from '../events/change-outbox';
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
 * Applies one memory command as an operation: the messages, the operation's `stored` state and the
 * change for ingestion commit together, then the change is published from the outbox. A redelivery
 * applies the command again only if nothing was stored; once stored, it only publishes what waits.
 */
@Injectable()
export class MemoryCommandProcessor {
  private readonly logger = new Logger(MemoryCommandProcessor.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly writer: ConversationWriter,
    private readonly operations: OperationsRepository,
    private readonly outbox: ChangeOutbox,
  ) {}

  async process(command: MemoryCommand, delivery: Delivery): Promise<void> {
    const { operationId, sessionId } = command.payload;
    const begun = await this.operations.begin(operationId, command.tenant, KIND[command.type], sessionId);
    if (begun === 'finished') return;
    // Stored by an earlier delivery, the messages are not written again: that would undo what later
    // operations on the session did since. Only its change may remain to publish.
    if (begun === 'accepted') {
      try {
        await this.store(command);
      } catch (error) {
        await this.recordFailure(command, error, delivery);
        return;
      }
    }
    await this.publish(command, delivery);
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
    if ((await this.operations.begin(operationId, refused.tenant, kind, sessionId)) === 'finished') return;
    await this.operations.failUnstored(operationId, refused.tenant, error.code, storableText(error.message));
  }

  /**
   * The messages, the operation's `stored` state and the change to publish, in one transaction, as the
   * session's only writer. Writes nothing if another delivery stored the operation meanwhile.
   */
  private async store(command: MemoryCommand): Promise<void> {
    const { tenant } = command;
    const { operationId, sessionId } = command.payload;
    await this.conversations.transaction(async (tx) => {
      await this.conversations.lockSessionWrites(tx, tenant, sessionId);
      if (!(await this.operations.claimForStore(tx, operationId))) return;
      switch (command.type) {
        case MemoryCommandTypes.add:
        case MemoryCommandTypes.update: {
          const written =
            command.type === MemoryCommandTypes.add ? await this.writer.add(tx, tenant, command.payload) : await this.writer.update(tx, tenant, command.payload);
          await this.operations.markStored(tx, operationId, written);
          await this.outbox.messagesUpserted(tx, command, written.change);
          return;
        }
        case MemoryCommandTypes.delete: {
          const change = await this.writer.delete(tx, tenant, command.payload);
          await this.operations.markStored(tx, operationId, { messageIds: change.messageIds, updatedEntries: change.messageIds.length });
          await this.outbox.sessionDeleted(tx, command, change);
          return;
        }
      }
    });
  }

  /**
   * Publishes the session's waiting changes, this one's among them. A failure leaves the operation
   * `stored`, since its messages are, and is thrown for the bus to deliver the command again. After
   * the last delivery the command is dead-lettered all the same, as a record that the bus refused it,
   * and the outbox relay publishes the change once the bus takes it.
   */
  private async publish(command: MemoryCommand, delivery: Delivery): Promise<void> {
    const { operationId, sessionId } = command.payload;
    try {
      await this.outbox.publishPending(command.tenant, sessionId);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const next = delivery.attempt >= delivery.maxAttempts ? 'the outbox relay will publish it' : 'will retry';
      this.logger.warn(`operation ${operationId} is stored but its change could not be published, ${next}: ${reason}`);
      await this.operations.noteAttemptFailure(operationId, reason);
      throw error;
    }
  }

  /** Nothing was stored. Domain errors (an unknown session) are final; anything else is retried by the bus until its last attempt. */
  private async recordFailure(command: MemoryCommand, error: unknown, delivery: Delivery): Promise<void> {
    const { operationId } = command.payload;
    const reason = error instanceof Error ? error.message : String(error);
    const final = error instanceof DomainError || delivery.attempt >= delivery.maxAttempts;
    if (!final) {
      this.logger.warn(`operation ${operationId} attempt ${delivery.attempt} failed, will retry: ${reason}`);
      await this.operations.noteAttemptFailure(operationId, reason);
      throw error;
    }
    await this.operations.failUnstored(operationId, command.tenant, error instanceof DomainError ? error.code : ErrorCode.Internal, reason);
    if (!(error instanceof DomainError)) throw error; // lets the bus dead-letter it
  }
}
