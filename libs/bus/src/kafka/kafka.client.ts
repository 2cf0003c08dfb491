import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { ClientKafka, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { DomainError } from '@recollect/contracts';
import type { Consumer, EachMessagePayload, Kafka, Producer, RecordMetadata } from 'kafkajs';
import { toBusMessage } from '../bus.tokens';
import { busUnavailable } from '../bus-unavailable';
import { errorText } from '../error-text';
import { stillSending } from '../late-landing';
import type { PublishedRecord } from '../in-process/pg-log';
import { type KafkaConnectionOptions, SEND_OPTIONS, kafkaClientConfig, producerConfig } from './kafka-connection';
import { decodeHeaders, decodeValue, toKafkaMessage } from './kafka-codec';
import { RequestHeaders } from './kafka-headers';
import { type TopicSettings, ensureTopics, replyTopic, topicSpecs } from './kafka-topics';

export interface KafkaClientOptions {
  connection: KafkaConnectionOptions;
  /** Names this client in client ids and its reply group, e.g. the service name. */
  name: string;
  topics: TopicSettings;
  /** Topics this client emits to; created at connect if missing (with their `.dlq` twins). */
  eventTopics?: readonly string[];
  /** Patterns this client sends requests to. Empty: a producer only, with no reply consumer. */
  requestPatterns?: readonly string[];
  /** An emit that Kafka has not acknowledged by then fails with BusUnavailable (the 503 path). */
  publishTimeoutMs?: number;
  /** Stamped on requests as `x-deadline`, so a server skips what nobody waits for any more. */
  requestTimeoutMs?: number;
  /** Unique per process; names this process's reply group. Defaults to the host name plus a random suffix. */
  instanceId?: string;
}

class NotAcknowledgedInTime extends Error {}

const withTimeout = <T>(work: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new NotAcknowledgedInTime(`${what} not acknowledged within ${ms} ms`)), ms);
    work.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });

/**
 * ClientKafka with the bus's semantics, used like the in-process client: `emit(topic, { key, value,
 * headers })` resolves with where the record landed once every in-sync replica has it, or fails with
 * BusUnavailable; `send(pattern, ...)` resolves with the reply. Each process reads replies in a
 * consumer group of its own, so any number of gateway replicas work whatever the partition count.
 */
export class KafkaClient extends ClientKafka {
  protected override logger = new Logger(KafkaClient.name);
  private readonly settings: KafkaClientOptions;
  private readonly replyPartitions = new Map<string, number[]>();
  private nextReplyPartition = 0;

  constructor(options: KafkaClientOptions) {
    const instanceId = options.instanceId ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
    const requestPatterns = options.requestPatterns ?? [];
    super({
      client: kafkaClientConfig(options.connection, `${options.connection.clientId}-${options.name}`),
      consumer: { groupId: `${options.connection.clientId}-${options.name}-replies-${instanceId}`, allowAutoTopicCreation: false },
      producer: producerConfig(),
      producerOnlyMode: requestPatterns.length === 0,
      postfixId: '',
      send: SEND_OPTIONS,
    });
    this.settings = options;
    for (const pattern of requestPatterns) this.subscribeToResponseOf(pattern);
  }

  /** Memoised like ClientKafka's, except that a failed connect is retried by the next call instead of failing forever. */
  override async connect(): Promise<Producer> {
    this.initialized ??= this.connectNow().catch(async (error: unknown) => {
      this.initialized = null;
      await this.close().catch(() => undefined);
      throw error instanceof DomainError ? error : busUnavailable(`cannot connect to Kafka: ${errorText(error)}`);
    });
    await this.initialized;
    return this.producer as unknown as Producer;
  }

  protected override async dispatchEvent<T = PublishedRecord>(packet: ReadPacket): Promise<T> {
    const topic = this.normalizePattern(packet.pattern);
    const timeoutMs = this.settings.publishTimeoutMs ?? 10_000;
    let sending: Promise<RecordMetadata[]> | undefined;
    try {
      const producer = this.producer as unknown as Producer;
      // The broker waits for the in-sync replicas no longer than the caller does (30 s otherwise), so
      // a send kafkajs goes on retrying past the deadline settles within its retries of that.
      sending = producer.send({ topic, messages: [toKafkaMessage(toBusMessage(packet.data))], ...SEND_OPTIONS, timeout: timeoutMs });
      const [metadata] = await withTimeout(sending, timeoutMs, `a message to ${topic}`);
      return publishedRecord(topic, metadata) as T;
    } catch (error) {
      const failure = busUnavailable(`could not store a message on ${topic}: ${errorText(error)}`);
      // kafkajs is still retrying it: whoever cares about order can wait for it to land or give up.
      throw error instanceof NotAcknowledgedInTime && sending ? stillSending(failure, sending) : failure;
    }
  }

  protected override publish(packet: ReadPacket, callback: (packet: WritePacket) => unknown): () => void {
    const pattern = this.normalizePattern(packet.pattern);
    if (!this.responsePatterns.includes(replyTopic(pattern))) {
      callback({ err: busUnavailable(`this client sends no requests to "${pattern}"; add it to requestPatterns`) });
      return () => undefined;
    }
    const message = toBusMessage(packet.data);
    const deadline = Date.now() + (this.settings.requestTimeoutMs ?? 15_000);
    const data = { ...toKafkaMessage(message), headers: { ...message.headers, [RequestHeaders.deadline]: String(deadline) } };
    return super.publish({ pattern, data }, callback);
  }

  /** Replies are JSON like every other value; a remote error arrives as its text. */
  override createResponseCallback(): (payload: EachMessagePayload) => void {
    return ({ message }) => {
      const headers = decodeHeaders(message.headers);
      const id = headers[RequestHeaders.correlationId];
      const callback = id === undefined ? undefined : this.routingMap.get(id);
      if (!callback) return;
      const err = headers[RequestHeaders.error];
      if (err !== undefined) callback({ err, isDisposed: true });
      else callback({ response: decodeValue(message.value), isDisposed: true });
    };
  }

  protected override serializeError(err: unknown): unknown {
    return err instanceof Error ? err : new Error(errorText(err));
  }

  /** Spreads replies over this process's reply partitions (all of them: the group has one member). */
  protected override getReplyTopicPartition(topic: string): string {
    const partitions = this.replyPartitions.get(topic);
    if (!partitions || partitions.length === 0) throw busUnavailable(`no partition of ${topic} is assigned to this client yet`);
    this.nextReplyPartition = (this.nextReplyPartition + 1) % partitions.length;
    return String(partitions[this.nextReplyPartition]);
  }

  protected override setConsumerAssignments(data: Parameters<ClientKafka['setConsumerAssignments']>[0]): void {
    super.setConsumerAssignments(data);
    this.replyPartitions.clear();
    for (const [topic, partitions] of Object.entries(data.payload.memberAssignment)) this.replyPartitions.set(topic, [...partitions].sort((a, b) => a - b));
  }

  private async connectNow(): Promise<void> {
    const kafka = this.createClient<Kafka>();
    this.client = kafka as never;
    const requestPatterns = this.settings.requestPatterns ?? [];
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, topicSpecs({ events: this.settings.eventTopics, requests: requestPatterns }), this.settings.topics, this.logger);
    } finally {
      await admin.disconnect();
    }
    if (!this.producerOnlyMode) {
      const consumer = kafka.consumer({ ...(this.options.consumer as object), groupId: this.groupId, allowAutoTopicCreation: false });
      this._consumer = consumer as never;
      this.registerConsumerEventListeners();
      consumer.on(consumer.events.GROUP_JOIN, (event) => this.setConsumerAssignments(event as never));
      await consumer.connect();
      const firstFetch = this.firstFetch(consumer);
      await this.bindTopics();
      // "Latest" is resolved on the first fetch; a reply written before that would be skipped.
      await withTimeout(firstFetch, 30_000, 'the first fetch of replies');
    }
    const producer = kafka.producer(this.options.producer);
    this._producer = producer as never;
    this.registerProducerEventListeners();
    await producer.connect();
  }

  private firstFetch(consumer: Consumer): Promise<void> {
    return new Promise((resolve) => {
      const stop = consumer.on(consumer.events.FETCH, () => {
        stop();
        resolve();
      });
    });
  }
}

function publishedRecord(topic: string, metadata: RecordMetadata | undefined): PublishedRecord {
  return {
    topic,
    partition: metadata?.partition ?? -1,
    offset: metadata?.baseOffset ?? '-1',
    timestamp: new Date(Number(metadata?.logAppendTime) > 0 ? Number(metadata?.logAppendTime) : Date.now()),
  };
}
