import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Topics, changeSequenceOf, memoryChangeSchema, parseMessageOrRefuse } from '@recollect/contracts';
import { DELIVERY_POLICY, type DeliveryPolicy } from '../ingestion.tokens';
import { MemoryChangeProcessor } from './memory-change.processor';

const attemptOf = (context: unknown): number => (context as { getAttempt?: () => number } | null)?.getAttempt?.() ?? 1;
const headersOf = (context: unknown): Record<string, string> | undefined => (context as { getHeaders?: () => Record<string, string> } | null)?.getHeaders?.();

@Controller()
export class MemoryChangesConsumer {
  constructor(
    private readonly processor: MemoryChangeProcessor,
    @Inject(DELIVERY_POLICY) private readonly policy: DeliveryPolicy,
  ) {}

  /** A change that fails validation fails its operation and throws, so the bus dead-letters it. */
  @EventPattern(Topics.memoryChanges)
  async onMemoryChange(@Payload() value: unknown, @Ctx() context: unknown): Promise<void> {
    const change = await parseMessageOrRefuse(memoryChangeSchema, value, 'memory change', (error) => this.processor.failRefused(value, error));
    await this.processor.process(change, { attempt: attemptOf(context), maxAttempts: this.policy.maxAttempts }, changeSequenceOf(headersOf(context)));
  }
}
