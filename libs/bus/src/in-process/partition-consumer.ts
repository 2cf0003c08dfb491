import type { LoggerService } from '@nestjs/common';
import { deadLetterTopic } from '@recollect/contracts';
import type { BusRecord } from '../bus.context';
import { countDeadLettered, measuredDelivery } from '../delivery-metrics';
import { errorText } from '../error-text';
import { failsEveryDelivery } from '../fails-every-delivery';
import type { InProcessBroker } from './in-process.broker';

export interface PartitionConsumerOptions {
  broker: InProcessBroker;
  group: string;
  topic: string;
  partition: number;
  /** Runs every handler for the record; rejects if any failed. `upcoming()`: the records read after it so far. */
  handle: (record: BusRecord, attempt: number, upcoming: () => readonly BusRecord[]) => Promise<void>;
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
 * handlers, commits only after they succeeded. Sequential is what gives per-key order. While a record
 * is being handled, messages published meanwhile are read ahead into the same buffer, so its handler
 * can see them (`upcoming()`) and start their work before it finishes.
 */
export class PartitionConsumer {
  private stopping = false;
  private wakePending = false;
  private sleeper?: Sleeper;
  private loop?: Promise<void>;
  /** Read from the log and not yet handled, in offset order; the first is the one being handled. */
  private buffer: BusRecord[] = [];
  /** Offset of the last record read; undefined to read from the committed offset. */
  private lastRead?: string;
  /** Grows when the buffer is dropped, so a read that was out then does not fill it with stale records. */
  private generation = 0;
  private delivering = false;
  private readingAhead?: Promise<void>;

  constructor(private readonly options: PartitionConsumerOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** New messages may be there: cut the idle wait short (never a retry backoff), or read them ahead during a delivery. */
  wake(): void {
    this.wakePending = true;
    if (this.sleeper?.wakeable) this.sleeper.resume();
    if (this.delivering) this.readAhead();
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
        await this.readingAhead;
        const fullRead = this.buffer.length > 0 || (await this.read(committed, batchSize)) === batchSize;
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
        while (this.buffer.length > 0) {
          const record = this.buffer[0]!;
          if (this.stopping || !(await this.deliver(record, commitHandled))) {
            await commitHandled();
            return;
          }
          this.buffer.shift();
          handled = record.offset;
          if (this.buffer.length === 0 || performance.now() - committedAt >= COMMIT_INTERVAL_MS) await commitHandled();
        }
        failures = 0;
        if (!fullRead) await this.sleep(pollIntervalMs, true);
      } catch (error) {
        // The log itself failed (database down?): wait, then re-read from the last commit.
        this.buffer = [];
        this.lastRead = undefined;
        this.generation += 1;
        failures += 1;
        logger.error(`${this.where}: cannot read or commit, retrying: ${errorText(error)}`);
        await this.sleep(this.backoff(failures), true);
      }
    }
  }

  /** Reads up to `limit` records after the last one read (or after `committed`) into the buffer; answers how many. */
  private async read(committed: string, limit: number): Promise<number> {
    const { broker, topic, partition } = this.options;
    const generation = this.generation;
    const records = await broker.log.read(topic, partition, this.lastRead ?? committed, limit);
    // The buffer was dropped while this read was out (a failed read or commit): the loop reads again from the commit.
    if (generation !== this.generation) return 0;
    this.buffer.push(...records);
    if (records.length > 0) this.lastRead = records[records.length - 1]!.offset;
    return records.length;
  }

  /** One read at a time, keeping the buffer within two batches; a failure is left for the loop's own next read. */
  private readAhead(): void {
    const { batchSize } = this.options.broker.settings;
    if (this.readingAhead || this.lastRead === undefined || this.buffer.length >= 2 * batchSize) return;
    // This read takes what the wake announced; a wake while it is out stays pending for the loop.
    this.wakePending = false;
    this.readingAhead = this.read(this.lastRead, batchSize)
      .then((count) => {
        // A full read may have left more behind it.
        if (count === batchSize) this.wakePending = true;
      })
      .catch(() => {
        this.wakePending = true;
      })
      .finally(() => {
        this.readingAhead = undefined;
      });
  }

  /**
   * Answers false when stopped between retries, leaving the message for redelivery. What was handled
   * before it is committed before the first retry's backoff, which may be long.
   */
  private async deliver(record: BusRecord, commitHandled: () => Promise<void>): Promise<boolean> {
    const { maxAttempts } = this.options.broker.settings;
    const upcoming = (): readonly BusRecord[] => this.buffer.slice(1);
    let lastError: unknown;
    let attempts = 0;
    while (attempts < maxAttempts) {
      attempts += 1;
      if (attempts > 1) {
        if (attempts === 2) await commitHandled();
        await this.sleep(this.backoff(attempts - 1), false);
        if (this.stopping) return false;
      }
      this.delivering = true;
      // Published while the consumer read or slept since: the handler may want them.
      if (this.wakePending) this.readAhead();
      try {
        await measuredDelivery(record.topic, () => this.options.handle(record, attempts, upcoming));
        return true;
      } catch (error) {
        lastError = error;
        this.options.logger.warn(`${this.where}@${record.offset}: attempt ${attempts}/${maxAttempts} failed: ${errorText(error)}`);
        if (failsEveryDelivery(error)) break;
      } finally {
        this.delivering = false;
      }
    }
    await this.deadLetter(record, lastError, attempts);
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
    countDeadLettered(record.topic);
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
