import type { Batch, EachBatchPayload, EachMessagePayload, ITopicConfig, KafkaMessage, Message, ProducerRecord, RecordMetadata } from 'kafkajs';

type Listener = (event: { payload: Record<string, unknown> }) => void;

class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): () => void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return () => this.listeners.set(event, (this.listeners.get(event) ?? []).filter((known) => known !== listener));
  }

  fire(event: string, payload: Record<string, unknown>): void {
    for (const listener of this.listeners.get(event) ?? []) listener({ payload });
  }
}

export type FakeMessage = Partial<Message> & { partition?: number; offset?: string };

export class FakeConsumer extends FakeEmitter {
  readonly events = {
    CONNECT: 'consumer.connect',
    DISCONNECT: 'consumer.disconnect',
    REBALANCING: 'consumer.rebalancing',
    STOP: 'consumer.stop',
    CRASH: 'consumer.crash',
    GROUP_JOIN: 'consumer.group_join',
    FETCH: 'consumer.fetch',
  };
  readonly subscriptions: Array<{ topics: string[]; fromBeginning?: boolean }> = [];
  runOptions?: Record<string, unknown>;
  eachMessage?: (payload: EachMessagePayload) => Promise<void> | void;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  heartbeats = 0;
  /** Offsets the handler resolved through eachBatch, in order, by `topic:partition`. */
  readonly resolved = new Map<string, string[]>();
  /** Set to make the batch in flight stale, as a rebalance that took its partition would. */
  stale = false;
  private running = false;
  /** What the fake broker assigns on join (GROUP_JOIN memberAssignment). */
  assignment: Record<string, number[]> = {};
  private readonly inFlight = new Set<Promise<void>>();
  private nextOffset = 0;

  constructor(readonly config: Record<string, unknown>) {
    super();
  }

  async connect(): Promise<void> {}

  async subscribe(subscription: { topics: string[]; fromBeginning?: boolean }): Promise<void> {
    this.subscriptions.push(subscription);
  }

  async run(
    options: Record<string, unknown> & { eachMessage?: (payload: EachMessagePayload) => Promise<void> | void; eachBatch?: (payload: EachBatchPayload) => Promise<void> },
  ): Promise<void> {
    this.runOptions = options;
    this.eachMessage = options.eachMessage;
    this.eachBatch = options.eachBatch;
    this.running = true;
    this.fire(this.events.GROUP_JOIN, { memberAssignment: this.assignment });
    this.fire(this.events.FETCH, {});
  }

  /** Delivers one message, through eachMessage or as a batch of one; resolves once handled, rejects if left for redelivery. */
  deliver(topic: string, message: FakeMessage): Promise<void> {
    if (this.eachBatch) return this.deliverBatch(topic, [message], message.partition ?? 0);
    if (!this.eachMessage) throw new Error('consumer is not running');
    return this.track(
      Promise.resolve(this.eachMessage({ topic, partition: message.partition ?? 0, message: this.toKafkaMessage(message), heartbeat: this.heartbeat, pause: () => () => undefined })),
    );
  }

  /** Delivers messages of one partition as one fetched batch, like kafkajs' eachBatch with auto-resolve off. */
  deliverBatch(topic: string, messages: FakeMessage[], partition = 0): Promise<void> {
    if (!this.eachBatch) throw new Error('consumer is not running with eachBatch');
    const kafkaMessages = messages.map((message) => this.toKafkaMessage(message));
    const batch = {
      topic,
      partition,
      highWatermark: String(Number(kafkaMessages.at(-1)?.offset ?? -1) + 1),
      messages: kafkaMessages,
      isEmpty: () => kafkaMessages.length === 0,
      firstOffset: () => kafkaMessages[0]?.offset ?? null,
      lastOffset: () => kafkaMessages.at(-1)?.offset ?? '-1',
      offsetLag: () => '0',
      offsetLagLow: () => '0',
    } satisfies Batch;
    const resolved = this.resolved.get(`${topic}:${partition}`) ?? [];
    this.resolved.set(`${topic}:${partition}`, resolved);
    return this.track(
      this.eachBatch({
        batch,
        resolveOffset: (offset) => void resolved.push(offset),
        heartbeat: this.heartbeat,
        pause: () => () => undefined,
        commitOffsetsIfNecessary: async () => undefined,
        uncommittedOffsets: () => ({ topics: [] }),
        isRunning: () => this.running,
        isStale: () => this.stale,
      }),
    );
  }

  /** Like kafkajs: stops fetching and waits for the message or batch in flight. */
  async disconnect(): Promise<void> {
    this.running = false;
    await Promise.allSettled([...this.inFlight]);
  }

  private readonly heartbeat = async (): Promise<void> => void (this.heartbeats += 1);

  private track(delivery: Promise<void>): Promise<void> {
    this.inFlight.add(delivery);
    const forget = (): void => void this.inFlight.delete(delivery);
    delivery.then(forget, forget);
    return delivery;
  }

  private toKafkaMessage(message: FakeMessage): KafkaMessage {
    return {
      key: message.key === undefined || message.key === null ? null : Buffer.from(message.key),
      value: message.value === undefined || message.value === null ? null : Buffer.from(message.value),
      headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, typeof value === 'string' ? Buffer.from(value) : value])),
      offset: message.offset ?? String(this.nextOffset++),
      timestamp: String(Date.now()),
      attributes: 0,
    } as unknown as KafkaMessage;
  }
}

export class FakeProducer extends FakeEmitter {
  readonly events = { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' };
  readonly sent: ProducerRecord[] = [];
  /** Replace to make sends fail or hang. */
  onSend: (record: ProducerRecord) => Promise<RecordMetadata[]> = async (record) => [
    { topicName: record.topic, partition: 3, errorCode: 0, baseOffset: String(this.sent.length - 1), logAppendTime: '-1' },
  ];
  disconnected = false;

  constructor(readonly config: Record<string, unknown>) {
    super();
  }

  async connect(): Promise<void> {}

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    this.sent.push(record);
    return this.onSend(record);
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
}

export class FakeAdmin {
  topics = new Map<string, number>();
  /** Topics' max.message.bytes, where set; describing configs fails when `failDescribe` is set. */
  readonly maxMessageBytes = new Map<string, number>();
  failDescribe?: Error;
  readonly created: ITopicConfig[] = [];
  failConnect?: Error;

  async connect(): Promise<void> {
    if (this.failConnect) throw this.failConnect;
  }

  async disconnect(): Promise<void> {}

  async listTopics(): Promise<string[]> {
    return [...this.topics.keys()];
  }

  async createTopics({ topics }: { topics: ITopicConfig[] }): Promise<boolean> {
    for (const topic of topics) {
      this.created.push(topic);
      this.topics.set(topic.topic, topic.numPartitions ?? 1);
    }
    return true;
  }

  async describeConfigs({ resources }: { resources: Array<{ name: string }> }) {
    if (this.failDescribe) throw this.failDescribe;
    return {
      resources: resources.map(({ name }) => ({
        resourceName: name,
        errorCode: 0,
        configEntries: this.maxMessageBytes.has(name) ? [{ configName: 'max.message.bytes', configValue: String(this.maxMessageBytes.get(name)) }] : [],
      })),
    };
  }

  async fetchTopicMetadata({ topics }: { topics: string[] }): Promise<{ topics: Array<{ name: string; partitions: Array<{ partitionId: number }> }> }> {
    return { topics: topics.map((name) => ({ name, partitions: Array.from({ length: this.topics.get(name) ?? 0 }, (_, partitionId) => ({ partitionId })) })) };
  }
}

/** Stands in for `new Kafka(config)`: records every consumer and producer it makes. */
export class FakeKafka {
  readonly admins: FakeAdmin[] = [];
  readonly consumers: FakeConsumer[] = [];
  readonly producers: FakeProducer[] = [];
  readonly admin_ = new FakeAdmin();

  admin(): FakeAdmin {
    this.admins.push(this.admin_);
    return this.admin_;
  }

  consumer(config: Record<string, unknown>): FakeConsumer {
    const consumer = new FakeConsumer(config);
    this.consumers.push(consumer);
    return consumer;
  }

  producer(config: Record<string, unknown>): FakeProducer {
    const producer = new FakeProducer(config);
    this.producers.push(producer);
    return producer;
  }
}
