import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, ServerKafka } from '@nestjs/microservices';
import { DomainError, ErrorCode, deadLetterTopic } from '@recollect/contracts';
import type { Consumer, ConsumerConfig, EachBatchPayload, EachMessagePayload, Kafka, Producer, ProducerConfig } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { BusContext, type BusRecord } from '../bus.context';
import { errorText } from '../error-text';
import { detachHandlerChain } from '../handler-chain';
import { BatchRecords } from './batch-records';
import { type RetryPolicy, deliverWithRetries } from './event-delivery';
import { type KafkaConnectionOptions, SEND_OPTIONS, kafkaClientConfig, producerConfig } from './kafka-connection';
import { encodeValue, toBusRecord } from './kafka-codec';
import { RequestHeaders } from './kafka-headers';
import { type TopicSettings, ensureTopics, topicSpecs } from './kafka-topics';

export interface KafkaServerOptions {
  connection: KafkaConnectionOptions;
  /** Consumer group, i.e. the service name: replicas with the same group share the partitions. */
  group: string;
  topics: TopicSettings;
  retry: RetryPolicy;
  /** Partitions processed at once by this replica (kafkajs `partitionsConsumedConcurrently`). */
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /** See DEFAULTS: at least the longest a handler may take. */
  rebalanceTimeoutMs?: number;
  /** Requests answered at once; past it, taking new ones waits. */
  maxConcurrentRequests?: number;
  /** kafkajs gave up on the consumer for good (a non-retriable error): the process should exit. */
  onFatalError?: (error: unknown) => void;
}

/**
 * rebalanceTimeoutMs: how long the group waits, in a rebalance, for this member to rejoin. kafkajs
 * rejoins only once the record in hand is handled, and a member later than this is dropped while its
 * handler runs on: its partitions go to another replica, which starts the same commands over beside
 * it. An add of 50 MB takes minutes to embed, so well past kafkajs' default of one minute.
 */
const DEFAULTS = { partitionsConsumedConcurrently: 4, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 10 * 60_000, maxConcurrentRequests: 32 };

/**
 * ServerKafka with the bus's semantics. Handlers receive the same BusContext as on the in-process
 * bus (topic, partition, key, offset, headers, attempt, and the records fetched after theirs).
 * Events: handled one by one in partition order, retried in place with backoff, then dead-lettered
 * to `<topic>.dlq` with the reason in headers, and the offset is resolved only after that, so
 * kafkajs commits nothing unfinished. Requests: answered concurrently, never
 * redelivered, dropped unanswered once their `x-deadline` has passed.
 */
export class KafkaServer extends ServerKafka implements CustomTransportStrategy {
  protected override logger = new Logger(KafkaServer.name);
  private readonly settings: KafkaServerOptions & typeof DEFAULTS;
  private readonly eventChains = new Map<string, MessageHandler[]>();
  private readonly inFlightRequests = new Set<Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private requestSlotWaiters: Array<() => void> = [];
  private stopping = false;
  private requestConsumer: Consumer | null = null;

  constructor(options: KafkaServerOptions) {
    const settings = { ...DEFAULTS, ...options };
    const clientId = `${options.connection.clientId}-${options.group}`;
    super({
      client: kafkaClientConfig(options.connection, clientId),
      consumer: {
        groupId: options.group,
        sessionTimeout: settings.sessionTimeoutMs,
        rebalanceTimeout: settings.rebalanceTimeoutMs,
        heartbeatInterval: Math.floor(settings.sessionTimeoutMs / 10),
        allowAutoTopicCreation: false,
      },
      producer: producerConfig(),
      postfixId: '',
      send: SEND_OPTIONS,
      run: { partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently, autoCommitInterval: 1_000 },
    });
    this.settings = settings;
  }

  override async listen(callback: (err?: unknown, ...optionalParams: unknown[]) => void): Promise<void> {
    this.stopping = false;
    try {
      this.client = this.createClient();
      await this.createTopics(this.client as unknown as Kafka);
      await this.start(() => undefined);
    } catch (error) {
      await this.close().catch(() => undefined);
      callback(error instanceof DomainError ? error : new DomainError(ErrorCode.BusUnavailable, `Bus unavailable: cannot start consuming from Kafka: ${errorText(error)}`));
      return;
    }
    callback();
  }

  /** Takes no new message, lets handlers in flight finish (their offsets are then committed), answers requests in flight. */
  override async close(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    for (const release of this.requestSlotWaiters.splice(0)) release();
    try {
      await Promise.all([this.consumer?.disconnect(), this.requestConsumer?.disconnect()]);
      await Promise.allSettled([...this.inFlightRequests]);
      if (this.producer) await this.producer.disconnect();
    } finally {
      this.consumer = null;
      this.requestConsumer = null;
      this.producer = null;
      this.client = null;
    }
  }

  /**
   * Two consumers: kafkajs fetches from a broker only once the previous fetch's messages are all
   * handled, so a long indexing job would hold up requests (job status polls) behind it. Events are
   * read in the group itself, from the beginning for a new group (no command is lost); requests in
   * `<group>-requests`, from now on.
   */
  override async start(callback: () => void): Promise<void> {
    const kafka = this.client as unknown as Kafka;
    const { events, requests } = this.patterns();
    const consumerOptions = { ...(this.options.consumer as ConsumerConfig), groupId: this.groupId };
    const eventConsumer = events.length > 0 ? kafka.consumer(consumerOptions) : null;
    const requestConsumer = requests.length > 0 ? kafka.consumer({ ...consumerOptions, groupId: `${this.groupId}-requests` }) : null;
    const producer = kafka.producer(this.options.producer as ProducerConfig);
    this.consumer = eventConsumer as never;
    this.requestConsumer = requestConsumer;
    this.producer = producer as never;
    this.registerProducerEventListeners();
    await producer.connect();
    if (eventConsumer) await this.consume(eventConsumer, events, 'events');
    if (requestConsumer) await this.consume(requestConsumer, requests, 'requests');
    callback();
  }

  private async consume(consumer: Consumer, topics: string[], kind: 'events' | 'requests'): Promise<void> {
    // ServerKafka's statuses ('connected', 'rebalancing', 'crashed'...), for readiness probes; a const enum there, so plain strings here.
    const status = (value: string) => () => this._status$.next(value as never);
    consumer.on(consumer.events.CONNECT, status('connected'));
    consumer.on(consumer.events.DISCONNECT, status('disconnected'));
    consumer.on(consumer.events.REBALANCING, status('rebalancing'));
    consumer.on(consumer.events.STOP, status('stopped'));
    consumer.on(consumer.events.CRASH, (event) => {
      this._status$.next('crashed' as never);
      if (event.payload.restart) return;
      this.logger.error(`Kafka consumer of ${topics.join(', ')} stopped for good: ${errorText(event.payload.error)}`);
      this.settings.onFatalError?.(event.payload.error);
    });
    consumer.on(consumer.events.GROUP_JOIN, status('connected'));
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: kind === 'events' });
    await consumer.run(
      kind === 'events'
        ? { ...this.options.run, eachBatchAutoResolve: false, eachBatch: (payload) => this.handleEventBatch(payload) }
        : { ...this.options.run, eachMessage: (payload) => this.handleMessage(payload) },
    );
  }

  /**
   * Events are taken a fetched batch at a time, so a handler sees the records after its own
   * (`BusContext.getUpcoming`), as on the in-process bus, and can start their work early. They are
   * still handled one by one, in order, each offset resolved once its record is handled or
   * dead-lettered; kafkajs commits resolved offsets every `autoCommitInterval`.
   */
  private async handleEventBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const records = new BatchRecords(batch);
    const handler = this.getHandlerByPattern(batch.topic);
    if (!handler?.isEventHandler) {
      if (records.length === 0) return;
      this.logger.error(`no handler for events on ${batch.topic}; skipped ${batch.topic}[${batch.partition}]@${batch.firstOffset()}..${batch.lastOffset()}`);
      resolveOffset(batch.lastOffset());
      return;
    }
    const chain = this.chainOf(batch.topic, handler);
    for (let index = 0; index < records.length; index += 1) {
      // Stopping, or a seek made the rest stale: it is fetched again. A rebalance shows up instead as
      // heartbeat() throwing after a record, once kafkajs has committed what was resolved.
      if (!isRunning() || isStale()) return;
      const record = records.at(index);
      await this.consumeEvent(record, chain, heartbeat, records.after(index));
      resolveOffset(record.offset);
      await heartbeat();
      await commitOffsetsIfNecessary();
    }
  }

  /** Requests, one message at a time (events come through handleEventBatch). */
  override async handleMessage(payload: EachMessagePayload): Promise<void> {
    const record = toBusRecord(payload.topic, payload.partition, payload.message);
    const handler = this.getHandlerByPattern(payload.topic);
    if (!handler || handler.isEventHandler) {
      this.logger.error(`no request handler for messages on ${payload.topic}; skipped ${payload.topic}[${payload.partition}]@${record.offset}`);
      return;
    }
    await this.acceptRequest(record, handler);
  }

  private patterns(): { events: string[]; requests: string[] } {
    const events: string[] = [];
    const requests: string[] = [];
    for (const [pattern, handler] of this.messageHandlers) (handler.isEventHandler ? events : requests).push(pattern);
    return { events, requests };
  }

  private async createTopics(kafka: Kafka): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, topicSpecs(this.patterns()), this.settings.topics, this.logger);
    } finally {
      await admin.disconnect();
    }
  }

  private chainOf(pattern: string, head: MessageHandler): MessageHandler[] {
    let chain = this.eventChains.get(pattern);
    if (!chain) this.eventChains.set(pattern, (chain = detachHandlerChain(head)));
    return chain;
  }

  private async consumeEvent(record: BusRecord, handlers: MessageHandler[], heartbeat: () => Promise<void>, upcoming: readonly BusRecord[]): Promise<void> {
    const outcome = await this.whileHeartbeating(heartbeat, () =>
      deliverWithRetries(record, this.settings.retry, {
        handle: (message, attempt) => this.runHandlers(handlers, message, attempt, upcoming),
        deadLetter: (message, headers) => this.publishDeadLetter(message, headers),
        sleep: (ms) => this.sleep(ms),
        isStopping: () => this.stopping,
        logger: this.logger,
      }),
    );
    // Throwing keeps kafkajs from resolving the offset: the message is delivered again after the restart.
    if (outcome === 'abandoned') throw new Error(`consumer stopping; ${record.topic}[${record.partition}]@${record.offset} left for redelivery`);
  }

  private async runHandlers(handlers: MessageHandler[], record: BusRecord, attempt: number, upcoming: readonly BusRecord[]): Promise<void> {
    const context = new BusContext([record, attempt, upcoming]);
    await this.withProcessingHooks(context, async () => {
      const outcomes = await Promise.allSettled(handlers.map((handler) => this.run(handler, record.value, context)));
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure) throw failure.reason;
    });
  }

  private async publishDeadLetter(record: BusRecord, headers: Record<string, string>): Promise<void> {
    await this.requireProducer().send({
      topic: deadLetterTopic(record.topic),
      messages: [{ key: record.key, value: encodeValue(record.value), headers }],
      ...SEND_OPTIONS,
    });
  }

  /** Waits for a free slot, then answers without holding up the partition: a request is never redelivered. */
  private async acceptRequest(record: BusRecord, handler: MessageHandler): Promise<void> {
    const correlationId = record.headers[RequestHeaders.correlationId];
    const replyTo = record.headers[RequestHeaders.replyTopic];
    if (!correlationId || !replyTo) {
      this.logger.warn(`request on ${record.topic}@${record.offset} has no reply address; dropped`);
      return;
    }
    const deadline = Number(record.headers[RequestHeaders.deadline]);
    // Checked again after waiting for a slot: under load the wait may outlast the asker's patience.
    const expired = (): boolean => {
      if (!Number.isFinite(deadline) || deadline >= Date.now()) return false;
      this.logger.warn(`request on ${record.topic}@${record.offset} expired ${Date.now() - deadline} ms ago; dropped`);
      return true;
    };
    if (expired()) return;
    while (this.inFlightRequests.size >= this.settings.maxConcurrentRequests && !this.stopping) {
      await new Promise<void>((resolve) => this.requestSlotWaiters.push(resolve));
    }
    if (expired()) return;
    const answer = this.answer(record, handler, correlationId, replyTo).finally(() => {
      this.inFlightRequests.delete(answer);
      this.requestSlotWaiters.shift()?.();
    });
    this.inFlightRequests.add(answer);
  }

  private async answer(record: BusRecord, handler: MessageHandler, correlationId: string, replyTo: string): Promise<void> {
    const context = new BusContext([record, 1]);
    const headers: Record<string, string | Buffer> = { [RequestHeaders.correlationId]: correlationId, [RequestHeaders.isDisposed]: Buffer.alloc(1) };
    let value: string | null = null;
    try {
      value = encodeValue(await this.withProcessingHooks(context, () => this.run(handler, record.value, context)));
    } catch (error) {
      headers[RequestHeaders.error] = errorText(error);
      this.logger.error(`request on ${record.topic} failed: ${errorText(error)}`);
    }
    const replyPartition = Number(record.headers[RequestHeaders.replyPartition]);
    try {
      await this.requireProducer().send({
        topic: replyTo,
        messages: [{ value, headers, ...(Number.isInteger(replyPartition) && replyPartition >= 0 ? { partition: replyPartition } : {}) }],
        ...SEND_OPTIONS,
      });
    } catch (error) {
      this.logger.error(`could not reply on ${replyTo}: ${errorText(error)}`);
    }
  }

  /** A Nest handler answers a value, a Promise or an Observable; errors arrive as an erroring Observable. */
  private async run(handler: MessageHandler, value: unknown, context: BusContext): Promise<unknown> {
    return lastValueFrom(this.transformToObservable(await handler(value, context)), { defaultValue: undefined });
  }

  // Honours Server's processing hooks (used by instrumentation) without trusting a hook to return `done()`.
  private withProcessingHooks<T>(context: BusContext, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (): Promise<T> => {
        const result = work();
        result.then(resolve, reject);
        return result;
      };
      try {
        this.onProcessingStartHook(this.transportId, context, done);
      } catch (error) {
        reject(error);
      }
    }).finally(() => this.onProcessingEndHook?.(this.transportId, context));
  }

  /**
   * kafkajs only heartbeats between messages; a long indexing job would otherwise look like a dead
   * member and trigger a rebalance. heartbeat() sends only once per heartbeatInterval; a failure
   * (rebalance in progress) is left for kafkajs to act on after the message.
   */
  private async whileHeartbeating<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const interval = Math.max(100, Math.floor(this.settings.sessionTimeoutMs / 10));
    const timer = setInterval(() => void heartbeat().catch(() => undefined), interval);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private requireProducer(): Producer {
    if (!this.producer) throw new DomainError(ErrorCode.BusUnavailable, 'Bus unavailable: the Kafka producer is not connected');
    return this.producer as unknown as Producer;
  }
}
