import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics, memoryIndexedEventSchema, parseMessageOrRefuse, readRefusedMessage, storableText, type UnreadableMessageError } from '@recollect/contracts';
import { OperationsRepository } from './operations.repository';

/** Ingestion applied a change to the search index: the operation that caused it is complete (or failed with ingestion's reason). */
@Controller()
export class MemoryIndexedConsumer {
  constructor(private readonly operations: OperationsRepository) {}

  /** An event that fails validation fails the operation it names (its outcome cannot be read) and throws, so the bus dead-letters it. */
  @EventPattern(Topics.memoryIndexed)
  async onMemoryIndexed(@Payload() value: unknown): Promise<void> {
    const { tenant, payload } = await parseMessageOrRefuse(memoryIndexedEventSchema, value, 'event', (error) => this.failRefused(value, error));
    if (payload.failure) await this.operations.fail(payload.operationId, tenant, payload.failure.code, payload.failure.message);
    else await this.operations.complete(payload.operationId, tenant);
  }

  private async failRefused(value: unknown, error: UnreadableMessageError): Promise<void> {
    const refused = readRefusedMessage(value);
    const operationId = refused?.payload.operationId;
    if (refused && operationId) await this.operations.fail(operationId, refused.tenant, error.code, storableText(error.message));
  }
}
