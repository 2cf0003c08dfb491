import type { LoggerService } from '@nestjs/common';
import type { BusRecord } from '../bus.context';
import { countDeadLettered, measuredDelivery } from '../delivery-metrics';
import { errorText } from '../error-text';
import { failsEveryDelivery } from '../fails-every-delivery';

export interface RetryPolicy {
  /** Deliveries of one message (first try included) before it goes to its `.dlq` topic. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to maxRetryBackoffMs. */
  retryBackoffMs: number;
  maxRetryBackoffMs: number;
}

export interface DeliverySteps {
  /** Runs every handler of the topic; rejects if one failed. */
  handle(record: BusRecord, attempt: number): Promise<void>;
  /** Publishes the record to its dead-letter topic; rejects if that is not durable. */
  deadLetter(record: BusRecord, headers: Record<string, string>): Promise<void>;
  /** Waits, resolving early when the consumer stops. */
  sleep(ms: number): Promise<void>;
  isStopping(): boolean;
  logger: LoggerService;
}

/** handled: commit it. dead-lettered: commit it too, it is on the `.dlq` topic. abandoned: leave it uncommitted for redelivery. */
export type DeliveryOutcome = 'handled' | 'dead-lettered' | 'abandoned';

export const backoffFor = (policy: RetryPolicy, failedAttempts: number): number =>
  Math.min(policy.retryBackoffMs * 2 ** (failedAttempts - 1), policy.maxRetryBackoffMs);

/** What a dead letter carries besides the original key, value and headers: the same names on both transports. */
export function deadLetterHeaders(record: BusRecord, error: unknown, attempts: number): Record<string, string> {
  return {
    ...record.headers,
    'x-error': errorText(error),
    'x-original-topic': record.topic,
    'x-original-partition': String(record.partition),
    'x-original-offset': record.offset,
    'x-attempts': String(attempts),
  };
}

/**
 * Retries in place, so the partition keeps its order and is held up for at most the sum of the
 * backoffs; then the message is dead-lettered and the partition moves on. One that failed its schema
 * is dead-lettered at its first failure (see failsEveryDelivery). The attempt number lives in memory:
 * a consumer that restarts mid-retries starts counting again.
 */
export async function deliverWithRetries(record: BusRecord, policy: RetryPolicy, steps: DeliverySteps): Promise<DeliveryOutcome> {
  const where = `${record.topic}[${record.partition}]@${record.offset}`;
  let lastError: unknown;
  let attempts = 0;
  while (attempts < policy.maxAttempts) {
    attempts += 1;
    if (attempts > 1) {
      await steps.sleep(backoffFor(policy, attempts - 1));
      if (steps.isStopping()) return 'abandoned';
    }
    try {
      await measuredDelivery(record.topic, () => steps.handle(record, attempts));
      return 'handled';
    } catch (error) {
      lastError = error;
      steps.logger.warn(`${where}: attempt ${attempts}/${policy.maxAttempts} failed: ${errorText(error)}`);
      if (failsEveryDelivery(error)) break;
    }
  }
  await steps.deadLetter(record, deadLetterHeaders(record, lastError, attempts));
  countDeadLettered(record.topic);
  steps.logger.error(`${where}: moved to the dead-letter topic after ${attempts} attempts: ${errorText(lastError)}`);
  return 'dead-lettered';
}
