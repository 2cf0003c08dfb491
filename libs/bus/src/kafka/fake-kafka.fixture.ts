import type { EachMessagePayload, ITopicConfig, KafkaMessage, Message, ProducerRecord, RecordMetadata } from 'kafkajs';

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
  heartbeats = 0;
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

  async run(options: Record<string, unknown> & { eachMessage: (payload: EachMessagePayload) => Promise<void> | void }): Promise<void> {
    this.runOptions = options;
    this.eachMessage = options.eachMessage;
    this.fire(this.events.GROUP_JOIN, { memberAssignment: this.assignment });
    this.fire(this.events.FETCH, {});
  }

  /** Delivers one message like kafkajs' eachMessage; resolves (offset resolved) or rejects (left for redelivery). */
  deliver(topic: string, message: Partial<Message> & { partition?: number; offset?: string }): Promise<void> {
    if (!this.eachMessage) throw new Error('consumer is not running');
    const kafkaMessage: KafkaMessage = {
      key: message.key === undefined || message.key === null ? null : Buffer.from(message.key),
      value: message.value === undefined || message.value === null ? null : Buffer.from(message.value),
      headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, typeof value === 'string' ? Buffer.from(value) : value])),
      offset: message.offset ?? String(this.nextOffset++),
      timestamp: String(Date.now()),
      attributes: 0,
    } as unknown as KafkaMessage;
    const delivery = Promise.resolve(this.eachMessage({
      topic,
      partition: message.partition ?? 0,
      message: kafkaMessage,
      heartbeat: async () => void (this.heartbeats += 1),
      pause: () => () => undefined,
    }));
    this.inFlight.add(delivery);
    const forget = (): void => void this.inFlight.delete(delivery);
    delivery.then(forget, forget);
    return delivery;
  }

  /** Like kafkajs: stops fetching and waits for the message in flight. */
  async disconnect(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
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
