import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, ErrorCode } from '@recollect/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusContext } from '../bus.context';
import { BusExceptionFilter } from '../bus-exception.filter';
import { waitFor } from '../testing/wait-for';
import { FakeKafka } from './fake-kafka.fixture';
import { KafkaServer, type KafkaServerOptions } from './kafka.server';

const TOPIC = 'test.thing.happened.v1';
const RPC = 'test.thing.rpc.v1';

const seen: Array<{ value: unknown; topic: string; key: string | null; partition: number; offset: string; headers: Record<string, string>; attempt: number; handler: string }> = [];
let behaviour: { onEvent: (value: unknown, ctx: BusContext) => unknown; onRequest: (value: unknown) => unknown } = {
  onEvent: () => undefined,
  onRequest: (value) => ({ ok: true, data: value }),
};

@Controller()
class ProbeController {
  @EventPattern(TOPIC)
  async first(@Payload() value: unknown, @Ctx() ctx: BusContext): Promise<void> {
    seen.push({ value, topic: ctx.getTopic(), key: ctx.getKey(), partition: ctx.getPartition(), offset: ctx.getOffset(), headers: ctx.getHeaders(), attempt: ctx.getAttempt(), handler: 'first' });
    await behaviour.onEvent(value, ctx);
  }

  @EventPattern(TOPIC)
  second(@Payload() value: unknown, @Ctx() ctx: BusContext): void {
    seen.push({ value, topic: ctx.getTopic(), key: ctx.getKey(), partition: ctx.getPartition(), offset: ctx.getOffset(), headers: ctx.getHeaders(), attempt: ctx.getAttempt(), handler: 'second' });
  }

  @MessagePattern(RPC)
  answer(@Payload() value: unknown): unknown {
    return behaviour.onRequest(value);
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

const OPTIONS: KafkaServerOptions = {
  connection: { brokers: ['kafka:9092'], clientId: 'recollect' },
  group: 'indexer',
  topics: { partitions: 6, replicationFactor: 3, maxMessageBytes: 1_000_000 },
  retry: { maxAttempts: 3, retryBackoffMs: 5, maxRetryBackoffMs: 20 },
  sessionTimeoutMs: 3_000,
};

class TestKafkaServer extends KafkaServer {
  constructor(
    readonly kafka: FakeKafka,
    options: Partial<KafkaServerOptions> = {},
  ) {
    super({ ...OPTIONS, ...options });
  }

  override createClient<T>(): T {
    return this.kafka as T;
  }
}

describe(KafkaServer.name, () => {
  let app: INestMicroservice | undefined;
  let kafka: FakeKafka;

  async function start(options: Partial<KafkaServerOptions> = {}): Promise<TestKafkaServer> {
    kafka = new FakeKafka();
    const sut = new TestKafkaServer(kafka, options);
    app = await NestFactory.createMicroservice(ProbeModule, { strategy: sut, logger: false });
    app.useGlobalFilters(new BusExceptionFilter());
    await app.listen();
    return sut;
  }

  /** The consumer subscribed to the topic: events and requests have one each. */
  const consumerOf = (topic: string) => kafka.consumers.find((consumer) => consumer.subscriptions.some((s) => s.topics.includes(topic)))!;
  const producer = () => kafka.producers[0]!;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    seen.length = 0;
    behaviour = { onEvent: () => undefined, onRequest: (value) => ({ ok: true, data: value }) };
  });

  it('creates its topics with explicit partitions and replication, with .dlq and .reply twins', async () => {
    await start();
    expect(kafka.admin_.created.map((topic) => [topic.topic, topic.numPartitions, topic.replicationFactor])).toEqual([
      [TOPIC, 6, 3],
      [`${TOPIC}.dlq`, 6, 3],
      [RPC, 6, 3],
      [`${RPC}.reply`, 6, 3],
    ]);
    expect(kafka.admin_.created[0]!.configEntries).toEqual([{ name: 'max.message.bytes', value: '1000000' }]);
    expect(kafka.admin_.created[1]!.configEntries).toContainEqual({ name: 'retention.ms', value: String(14 * 24 * 3600 * 1000) });
  });

  it('reads events in its group from the beginning, and requests with a consumer of their own from now on', async () => {
    await start();
    const [events, requests] = kafka.consumers;
    expect(events!.config).toMatchObject({ groupId: 'indexer', sessionTimeout: 3_000, rebalanceTimeout: 600_000, heartbeatInterval: 300, allowAutoTopicCreation: false });
    expect(events!.subscriptions).toEqual([{ topics: [TOPIC], fromBeginning: true }]);
    expect(requests!.config).toMatchObject({ groupId: 'indexer-requests' });
    expect(requests!.subscriptions).toEqual([{ topics: [RPC], fromBeginning: false }]);
    expect(events!.runOptions).toMatchObject({ partitionsConsumedConcurrently: 4, autoCommitInterval: 1_000 });
    expect(producer().config).toMatchObject({ idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  });

  it('hands every event handler the value and a BusContext with key, partition, offset, headers and attempt', async () => {
    await start();
    await consumerOf(TOPIC).deliver(TOPIC, { key: 'tenant-1', value: JSON.stringify({ n: 1 }), headers: { 'x-correlation-id': 'c1' }, partition: 2, offset: '41' });
    const expected = { value: { n: 1 }, topic: TOPIC, key: 'tenant-1', partition: 2, offset: '41', headers: { 'x-correlation-id': 'c1' }, attempt: 1 };
    expect(seen).toEqual([
      { ...expected, handler: 'first' },
      { ...expected, handler: 'second' },
    ]);
  });

  it('takes events a fetched batch at a time: each handler sees the records after its own, and each offset is resolved once handled', async () => {
    await start();
    const events = consumerOf(TOPIC);
    expect(events.runOptions).toMatchObject({ eachBatchAutoResolve: false });
    expect(consumerOf(RPC).runOptions).not.toHaveProperty('eachBatch');
    const observed: Array<{ offset: string; upcoming: unknown[]; resolvedBefore: string[] }> = [];
    behaviour.onEvent = (_value, ctx) =>
      void observed.push({ offset: ctx.getOffset(), upcoming: ctx.getUpcoming().map((r) => [r.offset, r.value, r.key]), resolvedBefore: [...(events.resolved.get(`${TOPIC}:3`) ?? [])] });
    const messages = ['a', 'b', 'c'].map((value, i) => ({ key: `k${i}`, value: JSON.stringify(value), offset: String(10 + i) }));
    await events.deliverBatch(TOPIC, messages, 3);
    expect(observed).toEqual([
      { offset: '10', upcoming: [['11', 'b', 'k1'], ['12', 'c', 'k2']], resolvedBefore: [] },
      { offset: '11', upcoming: [['12', 'c', 'k2']], resolvedBefore: ['10'] },
      { offset: '12', upcoming: [], resolvedBefore: ['10', '11'] },
    ]);
    expect(events.resolved.get(`${TOPIC}:3`)).toEqual(['10', '11', '12']);
    expect(seen.filter((s) => s.handler === 'second').map((s) => [s.partition, s.offset])).toEqual([[3, '10'], [3, '11'], [3, '12']]);
  });

  it('shows a handler at most 100 upcoming records, and the same ones on a retry', async () => {
    await start();
    const sizes: Array<[string, number, number]> = [];
    behaviour.onEvent = (_value, ctx) => {
      sizes.push([ctx.getOffset(), ctx.getAttempt(), ctx.getUpcoming().length]);
      if (ctx.getOffset() === '0' && ctx.getAttempt() === 1) throw new Error('once');
    };
    const messages = Array.from({ length: 150 }, (_, i) => ({ value: String(i), offset: String(i) }));
    await consumerOf(TOPIC).deliverBatch(TOPIC, messages);
    expect(sizes.slice(0, 3)).toEqual([['0', 1, 100], ['0', 2, 100], ['1', 1, 100]]);
    expect(sizes.at(-1)).toEqual(['149', 1, 0]);
    expect(sizes.find(([offset]) => offset === '60')).toEqual(['60', 1, 89]);
  });

  it('stops a batch at a record left for redelivery: the ones before it stay resolved, the ones after it are not handled', async () => {
    await start();
    behaviour.onEvent = (value) => {
      if (value === 'poison') throw new Error('poison');
    };
    producer().onSend = () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS'));
    const events = consumerOf(TOPIC);
    const messages = ['fine', 'poison', 'later'].map((value, i) => ({ value: JSON.stringify(value), offset: String(20 + i) }));
    await expect(events.deliverBatch(TOPIC, messages)).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    expect(events.resolved.get(`${TOPIC}:0`)).toEqual(['20']);
    expect(seen.filter((s) => s.handler === 'first').map((s) => s.value)).toEqual(['fine', 'poison', 'poison', 'poison']);
  });

  it('leaves the rest of a batch once it is stale (a seek moved the partition), for the next fetch', async () => {
    await start();
    const events = consumerOf(TOPIC);
    behaviour.onEvent = () => void (events.stale = true);
    await events.deliverBatch(TOPIC, ['"a"', '"b"', '"c"'].map((value, i) => ({ value, offset: String(i) })));
    expect(seen.filter((s) => s.handler === 'first').map((s) => s.value)).toEqual(['a']);
    expect(events.resolved.get(`${TOPIC}:0`)).toEqual(['0']);
  });

  it('stops taking records from a batch once it is closing, and resolves only the one it finished', async () => {
    await start();
    const events = consumerOf(TOPIC);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    behaviour.onEvent = () => gate;
    const delivery = events.deliverBatch(TOPIC, ['"a"', '"b"'].map((value, i) => ({ value, offset: String(i) })));
    await waitFor(() => seen.length >= 1);
    const closed = app!.close();
    app = undefined;
    release();
    await closed;
    await delivery;
    expect(seen.filter((s) => s.handler === 'first').map((s) => s.value)).toEqual(['a']);
    expect(events.resolved.get(`${TOPIC}:0`)).toEqual(['0']);
  });

  it('keeps JSON values as they were sent: numbers, strings and null', async () => {
    await start();
    for (const value of ['7', '"seven"', 'null']) await consumerOf(TOPIC).deliver(TOPIC, { value });
    expect(seen.filter((s) => s.handler === 'first').map((s) => s.value)).toEqual([7, 'seven', null]);
  });

  it('retries a failing event in place with growing attempts and resolves its offset once it succeeds', async () => {
    await start();
    behaviour.onEvent = (_value, ctx) => {
      if (ctx.getAttempt() < 3) throw new Error(`flaky ${ctx.getAttempt()}`);
    };
    await consumerOf(TOPIC).deliver(TOPIC, { key: 'k', value: '{"job":1}' });
    expect(seen.filter((s) => s.handler === 'first').map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(producer().sent).toEqual([]);
  });

  it('dead-letters a poison event after maxAttempts with the reason in headers, then lets the partition go on', async () => {
    await start();
    behaviour.onEvent = () => {
      throw new Error('cannot digest this');
    };
    await expect(consumerOf(TOPIC).deliver(TOPIC, { key: 'k', value: '{"poison":true}', headers: { 'x-trace': 't' }, partition: 1, offset: '9' })).resolves.toBeUndefined();

    expect(producer().sent).toEqual([
      {
        topic: `${TOPIC}.dlq`,
        acks: -1,
        messages: [
          {
            key: 'k',
            value: '{"poison":true}',
            headers: {
              'x-trace': 't',
              'x-error': 'cannot digest this',
              'x-original-topic': TOPIC,
              'x-original-partition': '1',
              'x-original-offset': '9',
              'x-attempts': '3',
            },
          },
        ],
      },
    ]);
  });

  it('leaves the offset unresolved when the dead letter cannot be written', async () => {
    await start();
    behaviour.onEvent = () => {
      throw new Error('poison');
    };
    producer().onSend = () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS'));
    await expect(consumerOf(TOPIC).deliver(TOPIC, { value: '{}' })).rejects.toThrow('NOT_ENOUGH_REPLICAS');
  });

  it('closes promptly during a retry backoff and leaves the message for redelivery', async () => {
    await start({ retry: { maxAttempts: 3, retryBackoffMs: 60_000, maxRetryBackoffMs: 60_000 } });
    behaviour.onEvent = () => {
      throw new Error('not yet');
    };
    const delivery = consumerOf(TOPIC).deliver(TOPIC, { value: '{}' });
    const outcome = delivery.then(
      () => 'resolved',
      (error: unknown) => String(error),
    );
    await waitFor(() => seen.length === 2);
    const started = Date.now();
    await app!.close();
    app = undefined;
    expect(await outcome).toMatch(/left for redelivery/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(producer().sent).toEqual([]);
  });

  it('answers a request on the reply topic and partition with the correlation id, without holding the partition', async () => {
    await start();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    behaviour.onRequest = async (value) => {
      await gate;
      return { ok: true, data: value };
    };
    await consumerOf(RPC).deliver(RPC, {
      value: '{"q":"cats"}',
      headers: { kafka_correlationId: 'abc', kafka_replyTopic: `${RPC}.reply`, kafka_replyPartition: '4', 'x-deadline': String(Date.now() + 60_000) },
    });
    expect(producer().sent).toEqual([]); // the partition moved on while the handler still runs
    release();
    await waitFor(() => producer().sent.length === 1);
    const [reply] = producer().sent;
    expect(reply).toMatchObject({ topic: `${RPC}.reply`, acks: -1, messages: [{ value: '{"ok":true,"data":{"q":"cats"}}', partition: 4 }] });
    expect(reply!.messages[0]!.headers).toMatchObject({ kafka_correlationId: 'abc' });
    expect(reply!.messages[0]!.headers).toHaveProperty('kafka_nest-is-disposed');
  });

  it("sends a handler's exception back as the error header", async () => {
    await start();
    behaviour.onRequest = () => {
      throw new Error('search index is gone');
    };
    await consumerOf(RPC).deliver(RPC, { value: '{}', headers: { kafka_correlationId: 'abc', kafka_replyTopic: `${RPC}.reply` } });
    await waitFor(() => producer().sent.length === 1);
    expect(producer().sent[0]!.messages[0]).toMatchObject({ value: null, headers: { 'kafka_nest-err': 'search index is gone' } });
  });

  it('drops a request whose deadline has passed, unanswered and unhandled', async () => {
    await start();
    let called = false;
    behaviour.onRequest = () => (called = true);
    await consumerOf(RPC).deliver(RPC, { value: '{}', headers: { kafka_correlationId: 'abc', kafka_replyTopic: `${RPC}.reply`, 'x-deadline': String(Date.now() - 1) } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(called).toBe(false);
    expect(producer().sent).toEqual([]);
  });

  it('drops a request whose deadline passed while it waited for a free slot', async () => {
    await start({ maxConcurrentRequests: 1 });
    let release!: () => void;
    const handled: unknown[] = [];
    behaviour.onRequest = async (value) => {
      handled.push(value);
      if ((value as { first: boolean }).first) await new Promise<void>((resolve) => (release = resolve));
      return { ok: true, data: value };
    };
    const ask = (first: boolean, correlationId: string, deadline: number) =>
      consumerOf(RPC).deliver(RPC, { value: JSON.stringify({ first }), headers: { kafka_correlationId: correlationId, kafka_replyTopic: `${RPC}.reply`, 'x-deadline': String(deadline) } });
    await ask(true, 'a', Date.now() + 60_000);
    const secondDeadline = Date.now() + 30;
    const second = ask(false, 'b', secondDeadline);
    await waitFor(() => Date.now() > secondDeadline);
    release();
    await second;
    await waitFor(() => producer().sent.length === 1);
    expect(handled).toEqual([{ first: true }]);
    expect(producer().sent[0]!.messages[0]!.headers).toMatchObject({ kafka_correlationId: 'a' });
  });

  it('waits on close for requests in flight and still sends their replies', async () => {
    await start();
    let release!: () => void;
    behaviour.onRequest = () => new Promise((resolve) => (release = () => resolve({ ok: true, data: 'late' })));
    await consumerOf(RPC).deliver(RPC, { value: '{}', headers: { kafka_correlationId: 'abc', kafka_replyTopic: `${RPC}.reply` } });
    const closed = app!.close();
    app = undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(producer().disconnected).toBe(false);
    release();
    await closed;
    expect(producer().sent).toHaveLength(1);
    expect(producer().disconnected).toBe(true);
  });

  it('fails to listen with BusUnavailable when Kafka cannot be reached', async () => {
    kafka = new FakeKafka();
    kafka.admin_.failConnect = new Error('Connection timeout');
    const service = await NestFactory.createMicroservice(ProbeModule, { strategy: new TestKafkaServer(kafka), logger: false });
    try {
      const error = await service.listen().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe(ErrorCode.BusUnavailable);
      expect((error as DomainError).message).toMatch(/Connection timeout/);
    } finally {
      await service.close();
    }
  });

  it('reports a consumer that kafkajs will not restart', async () => {
    const fatal: unknown[] = [];
    await start({ onFatalError: (error) => fatal.push(error) });
    const events = consumerOf(TOPIC);
    events.fire(events.events.CRASH, { error: new Error('retriable'), restart: true });
    events.fire(events.events.CRASH, { error: new Error('group authorization failed'), restart: false });
    expect(fatal).toEqual([new Error('group authorization failed')]);
  });
});
