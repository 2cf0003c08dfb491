import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Topics, memoryCommandSchema, parseMessageOrThrow } from '@recollect/contracts';
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

  /** A command that fails validation throws, so the bus dead-letters it after its retries. */
  @EventPattern(Topics.memoryCommands)
  async onMemoryCommand(@Payload() value: unknown, @Ctx() context: unknown): Promise<void> {
    const command = parseMessageOrThrow(memoryCommandSchema, value, 'command');
    await this.processor.process(command, { attempt: attemptOf(context), maxAttempts: this.policy.maxAttempts });
  }
}
