import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Topics, memoryCommandSchema, parseMessageOrRefuse } from '@recollect/contracts';
import { DELIVERY_POLICY, type DeliveryPolicy } from '../memory.tokens';
import { MemoryCommandProcessor } from './memory-command.processor';

/** Both transports' contexts tell the attempt number (the in-process one directly, Kafka's through a retry header). */
const attemptOf = (context: unknown): number => (context as { getAttempt?: () => number } | null)?.getAttempt?.() ?? 1;

@Controller()
export class MemoryCommandsConsumer {
  constructor(
    private readonly processor: MemoryCommandProcessor,
    @Inject(DELIVERY_POLICY) private readonly policy: DeliveryPolicy,
  ) {}

  /** A command that fails validation fails its operation and throws, so the bus dead-letters it. */
  @EventPattern(Topics.memoryCommands)
  async onMemoryCommand(@Payload() value: unknown, @Ctx() context: unknown): Promise<void> {
    const command = await parseMessageOrRefuse(memoryCommandSchema, value, 'command', (error) => this.processor.failRefused(value, error));
    await this.processor.process(command, { attempt: attemptOf(context), maxAttempts: this.policy.maxAttempts });
  }
}
