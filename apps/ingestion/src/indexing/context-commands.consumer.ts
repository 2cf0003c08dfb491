import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Topics, contextCommandSchema, parseMessageOrRefuse } from '@recollect/contracts';
import { DELIVERY_POLICY, type DeliveryPolicy } from '../ingestion.tokens';
import { CommandProcessor } from './command-processor.service';

/** Both transports hand handlers a BusContext; any other context counts as a first attempt with nothing upcoming. */
const attemptOf = (context: unknown): number => (context as { getAttempt?: () => number } | null)?.getAttempt?.() ?? 1;
/** The values of the records after this one that the consumer holds, in partition order, as they are when asked. */
const upcomingOf =
  (context: unknown) =>
  (): unknown[] =>
    ((context as { getUpcoming?: () => ReadonlyArray<{ value: unknown }> } | null)?.getUpcoming?.() ?? []).map((record) => record.value);

@Controller()
export class ContextCommandsConsumer {
  constructor(
    private readonly processor: CommandProcessor,
    @Inject(DELIVERY_POLICY) private readonly policy: DeliveryPolicy,
  ) {}

  /** A command that fails validation fails its job and throws, so the bus dead-letters it. */
  @EventPattern(Topics.contextCommands)
  async onContextCommand(@Payload() value: unknown, @Ctx() context: unknown): Promise<void> {
    const command = await parseMessageOrRefuse(contextCommandSchema, value, 'command', (error) => this.processor.failRefused(value, error));
    await this.processor.process(command, { attempt: attemptOf(context), maxAttempts: this.policy.maxAttempts }, upcomingOf(context));
  }
}
