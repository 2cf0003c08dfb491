import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics, memoryIndexedEventSchema, parseMessageOrThrow } from '@recollect/contracts';
import { OperationsRepository } from './operations.repository';

/** Ingestion applied a change to the search index: the operation that caused it is complete (or failed with ingestion's reason). */
@Controller()
export class MemoryIndexedConsumer {
  constructor(private readonly operations: OperationsRepository) {}

  @EventPattern(Topics.memoryIndexed)
  async onMemoryIndexed(@Payload() value: unknown): Promise<void> {
    const { tenant, payload } = parseMessageOrThrow(memoryIndexedEventSchema, value, 'event');
    if (payload.failure) await this.operations.fail(payload.operationId, tenant, payload.failure.code, payload.failure.message);
    else await this.operations.complete(payload.operationId, tenant);
  }
}
