import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { DomainError } from '@recollect/contracts';
import type { Pool } from 'pg';
import type { BusMessage } from '../bus.tokens';
import { busUnavailable } from '../bus-unavailable';
import { errorText } from '../error-text';
import { partitionForKey } from './partitioner';
import { PgLog, type PublishedRecord } from './pg-log';
import { PgWakeupListener } from './pg-wakeups';

export interface InProcessBrokerOptions {
  pool: Pool;
  /** Partitions per topic. Every process sharing the database must agree, as with a Kafka topic. */
  partitions?: number;
  /** Deliveries of one message before it goes to the dead-letter topic. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxRetryBackoffMs. */
  retryBackoffMs?: number;
  maxRetryBackoffMs?: number;
  /**
   * Idle consumers re-read this often. A commit by any process sharing the database wakes them at
   * once (LISTEN/NOTIFY), so this only bounds the delay while the listening connection is down.
   */
  pollIntervalMs?: number;
  batchSize?: number;
}

export type ConsumerSettings = Required<Omit<InProcessBrokerOptions, 'pool'>>;

/** Answers one request/reply message; the resolved value is the reply. */
export type RpcHandler = (message: BusMessage) => Promise<unknown>;

/**
 * One per process: the durable log in PostgreSQL for events and commands, plus an in-memory registry
 * for request/reply (which, as on Kafka, is answered by whoever is listening right now, so is not stored).
 */
export class InProcessBroker {
  private readonly logger = new Logger(InProcessBroker.name);
  readonly log: PgLog;
  readonly settings: ConsumerSettings;
  private readonly published = new EventEmitter().setMaxListeners(0);
  private readonly rpcHandlers = new Map<string, RpcHandler>();
  private readonly wakeups: PgWakeupListener;
  private starting?: Promise<void>;
  private nextUnkeyedPartition = 0;
  private stopped = false;

  constructor(options: InProcessBrokerOptions) {
    this.log = new PgLog(options.pool);
    this.settings = {
      partitions: options.partitions ?? 8,
      maxAttempts: options.maxAttempts ?? 5,
      retryBackoffMs: options.retryBackoffMs ?? 100,
      maxRetryBackoffMs: options.maxRetryBackoffMs ?? 5_000,
      pollIntervalMs: options.pollIntervalMs ?? 5_000,
      batchSize: options.batchSize ?? 100,
    };
    this.wakeups = new PgWakeupListener(options.pool, {
      onWake: (topic, partition) => this.published.emit(topic, partition),
      onResume: () => this.wakeEveryConsumer(),
      onConnectionLost: (error) => this.logger.warn(`not listening for new messages, consumers fall back to polling: ${errorText(error)}`),
    });
  }

  /** Creates the tables if needed and starts listening for commits. Idempotent; a failed start is retried by the next call. */
  start(): Promise<void> {
    this.starting ??= this.log.ensureSchema().then(() => this.wakeups.start(), (error: unknown) => {
      this.starting = undefined;
      throw busUnavailable(`could not reach the message log: ${errorText(error)}`);
    });
    return this.starting;
  }

  /** Resolves only once the message is committed in PostgreSQL; rejects with BusUnavailable otherwise. */
  async publish(topic: string, message: BusMessage): Promise<PublishedRecord> {
    // Serialise first: an unserialisable value is the caller's bug, not an outage.
    const valueJson = JSON.stringify(message.value ?? null);
    const partition = this.partitionFor(message.key);
    let record: PublishedRecord;
    try {
      if (this.stopped) throw busUnavailable('the broker is stopped');
      await this.start();
      record = await this.log.append({ topic, partition, key: message.key ?? null, headers: message.headers ?? {}, valueJson });
    } catch (error) {
      throw error instanceof DomainError ? error : busUnavailable(`could not store a message on ${topic}: ${errorText(error)}`);
    }
    // The commit notification would wake local consumers too; this spares them its round trip.
    this.published.emit(topic, partition);
    return record;
  }

  /** Calls `listener(partition)` after each local publish to `topic`. Answers the unsubscribe function. */
  onPublished(topic: string, listener: (partition: number) => void): () => void {
    this.published.on(topic, listener);
    return () => this.published.off(topic, listener);
  }

  registerRpcHandler(pattern: string, handler: RpcHandler): () => void {
    if (this.rpcHandlers.has(pattern)) throw new Error(`A request/reply handler for "${pattern}" is already registered in this process`);
    this.rpcHandlers.set(pattern, handler);
    return () => {
      if (this.rpcHandlers.get(pattern) === handler) this.rpcHandlers.delete(pattern);
    };
  }

  /** Dispatches a request in memory and resolves with the handler's reply. Callers apply their own timeout. */
  async request(pattern: string, message: BusMessage): Promise<unknown> {
    const handler = this.rpcHandlers.get(pattern);
    if (!handler || this.stopped) {
      throw busUnavailable(`no handler is listening for "${pattern}"; is the service that answers it running?`);
    }
    // Copy through JSON both ways, as a real transport would: neither side may rely on sharing objects.
    const reply = await handler(jsonCopy(message));
    return jsonCopy(reply);
  }

  /** Stops accepting publishes and requests. Close the servers first; the pool belongs to the caller. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.rpcHandlers.clear();
    this.published.removeAllListeners();
    await this.wakeups.close();
  }

  private wakeEveryConsumer(): void {
    for (const topic of this.published.eventNames()) {
      for (let partition = 0; partition < this.settings.partitions; partition += 1) this.published.emit(topic, partition);
    }
  }

  partitionFor(key: string | undefined): number {
    if (key !== undefined) return partitionForKey(key, this.settings.partitions);
    this.nextUnkeyedPartition = (this.nextUnkeyedPartition + 1) % this.settings.partitions;
    return this.nextUnkeyedPartition;
  }
}

function jsonCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
