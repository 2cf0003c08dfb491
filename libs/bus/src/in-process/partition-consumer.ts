import type { LoggerService } from '@nestjs/common';
import { deadLetterTopic } from '@recollect/contracts';
import type { BusRecord } from '../bus.context';
import { errorText } from '../error-text';
import type { InProcessBroker } from './in-process.broker';

export interface PartitionConsumerOptions {
  broker: InProcessBroker;
  group: string;
  topic: string;
  partition: number;
  /** Runs every handler for the record; rejects if any failed. `upcoming`: the rest of the batch read with it. */
  handle: (record: BusRecord, attempt: number, upcoming: readonly BusRecord[]) => Promise<void>;
  logger: LoggerService;
}

/** Longest a handled message waits for its commit while the messages read with it are delivered. */
const COMMIT_INTERVAL_MS = 50;

interface Sleeper {
  wakeable: boolean;
  resume: () => void;
}

/**
 * The one sequential loop for a (group, topic, partition): reads after the committed offset, runs the
 * handlers, commits only after they succeeded. Sequential is what gives per-key order.
 */
export class PartitionConsumer {
  private stopping = false;
  private wakePending = false;
  private sleeper?: Sleeper;
  private loop?: Promise<void>;

  constructor(private readonly options: PartitionConsumerOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** New messages may be there: cut the idle wait short (never a retry backoff). */
  wake(): void {
    this.wakePending = true;
    if (this.sleeper?.wakeable) this.sleeper.resume();
  }

  /** Takes no new message and waits for the one in flight; an unfinished retry stays uncommitted. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper?.resume();
    await this.loop;
  }

  private get where(): string {
    const { group, topic, partition } = this.options;
    return `${group} ${topic}[${partition}]`;
  }

  private async run(): Promise<void> {
    const { broker, group, topic, partition, logger } = this.options;
    const { batchSize, pollIntervalMs } = broker.settings;
    let committed: string | undefined;
    let failures = 0;
    while (!this.stopping) {
      this.wakePending = false;
      try {
        committed ??= await broker.log.committedOffset(group, topic, partition);
        const batch = await broker.log.read(topic, partition, committed, batchSize);
        // Commits are coalesced: one after a run of quick deliveries, not one each (a commit is a write
        // to the log's database). What is handled but not yet committed is at most COMMIT_INTERVAL_MS
        // of work, which a crash redelivers, as at-least-once allows.
        let handled: string | undefined;
        let committedAt = performance.now();
        const commitHandled = async (): Promise<void> => {
          if (handled === undefined) return;
          await broker.log.commit(group, topic, partition, handled);
          committed = handled;
          handled = undefined;
          committedAt = performance.now();
        };
        for (const [position, record] of batch.entries()) {
          if (this.stopping || !(await this.deliver(record, batch.slice(position + 1), commitHandled))) {
            await commitHandled();
            return;
          }
          handled = record.offset;
          if (position === batch.length - 1 || performance.now() - committedAt >= COMMIT_INTERVAL_MS) await commitHandled();
        }
        failures = 0;
        if (batch.length < batchSize) await this.sleep(pollIntervalMs, true);
      } catch (error) {
        // The log itself failed (database down?): wait, then re-read from the last commit.
        failures += 1;
        logger.error(`${this.where}: cannot read or commit, retrying: ${errorText(error)}`);
        await this.sleep(this.backoff(failures), true);
      }
    }
  }

  /**
   * Answers false when stopped between retries, leaving the message for redelivery. What was handled
   * before it is committed before the first retry's backoff, which may be long.
   */
  private async deliver(record: BusRecord, upcoming: readonly BusRecord[], commitHandled: () => Promise<void>): Promise<boolean> {
    const { maxAttempts } = this.options.broker.settings;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (attempt > 1) {
        if (attempt === 2) await commitHandled();
        await this.sleep(this.backoff(attempt - 1), false);
        if (this.stopping) return false;
      }
      try {
        await this.options.handle(record, attempt, upcoming);
        return true;
      } catch (error) {
        lastError = error;
        this.options.logger.warn(`${this.where}@${record.offset}: attempt ${attempt}/${maxAttempts} failed: ${errorText(error)}`);
      }
    }
    await this.deadLetter(record, lastError, maxAttempts);
    return true;
  }

  private async deadLetter(record: BusRecord, error: unknown, attempts: number): Promise<void> {
    const target = deadLetterTopic(record.topic);
    await this.options.broker.publish(target, {
      key: record.key ?? undefined,
      value: record.value,
      headers: {
        ...record.headers,
        'x-error': errorText(error),
        'x-original-topic': record.topic,
        'x-original-partition': String(record.partition),
        'x-original-offset': record.offset,
        'x-attempts': String(attempts),
      },
    });
    this.options.logger.error(`${this.where}@${record.offset}: moved to ${target} after ${attempts} attempts: ${errorText(error)}`);
  }

  private backoff(attempt: number): number {
    const { retryBackoffMs, maxRetryBackoffMs } = this.options.broker.settings;
    return Math.min(retryBackoffMs * 2 ** (attempt - 1), maxRetryBackoffMs);
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopping || (wakeable && this.wakePending)) return Promise.resolve();
    return new Promise((resolve) => {
      const resume = (): void => {
        clearTimeout(timer);
        if (this.sleeper === sleeper) this.sleeper = undefined;
        resolve();
      };
      const timer = setTimeout(resume, ms);
      const sleeper: Sleeper = { wakeable, resume };
      this.sleeper = sleeper;
    });
  }
}
