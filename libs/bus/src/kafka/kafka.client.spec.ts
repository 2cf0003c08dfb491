import { DomainError, ErrorCode } from '@recollect/contracts';
import { lastValueFrom, timeout } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { landedLate } from '../late-landing';
import { waitFor } from '../testing/wait-for';
import { FakeKafka } from './fake-kafka.fixture';
import { KafkaClient, type KafkaClientOptions } from './kafka.client';

const RPC = 'test.thing.rpc.v1';

const OPTIONS: KafkaClientOptions = {
  connection: { brokers: ['kafka:9092'], clientId: 'recollect' },
  name: 'gateway',
  topics: { partitions: 4, replicationFactor: 3, maxMessageBytes: 1_000_000 },
  eventTopics: ['context.commands.v1'],
  requestPatterns: [RPC],
  publishTimeoutMs: 100,
  requestTimeoutMs: 5_000,
  instanceId: 'pod-1',
};

class TestKafkaClient extends KafkaClient {
  kafkas: FakeKafka[] = [];
  failNextConnect?: Error;

  constructor(
    options: Partial<KafkaClientOptions> = {},
    private readonly assignment: Record<string, number[]> = { [`${RPC}.reply`]: [0, 1, 2, 3] },
  ) {
    super({ ...OPTIONS, ...options });
  }

  get kafka(): FakeKafka {
    return this.kafkas[this.kafkas.length - 1]!;
  }

  override createClient<T>(): T {
    const kafka = new FakeKafka();
    if (this.failNextConnect) kafka.admin_.failConnect = this.failNextConnect;
    this.failNextConnect = undefined;
    const makeConsumer = kafka.consumer.bind(kafka);
    kafka.consumer = (config) => Object.assign(makeConsumer(config), { assignment: this.assignment });
    this.kafkas.push(kafka);
    return kafka as T;
  }
}

describe(KafkaClient.name, () => {
  let sut: TestKafkaClient;
  afterEach(async () => sut.close());

  it('creates the topics it emits to and sends requests to, with their twins, then reads replies in a group of its own', async () => {
    sut = new TestKafkaClient();
    await sut.connect();
    expect(sut.kafka.admin_.created.map((topic) => topic.topic)).toEqual(['context.commands.v1', 'context.commands.v1.dlq', RPC, `${RPC}.reply`]);
    const [consumer] = sut.kafka.consumers;
    expect(consumer!.config).toMatchObject({ groupId: 'recollect-gateway-replies-pod-1' });
    expect(consumer!.subscriptions).toEqual([{ topics: [`${RPC}.reply`] }]);
  });

  it('is a producer only when it sends no requests', async () => {
    sut = new TestKafkaClient({ requestPatterns: [] });
    await sut.connect();
    expect(sut.kafka.consumers).toEqual([]);
    expect(sut.kafka.producers).toHaveLength(1);
  });

  it('emits JSON with the key and headers, acks=all within the publish timeout, and resolves with where the record landed', async () => {
    sut = new TestKafkaClient();
    const record = await lastValueFrom(sut.emit('context.commands.v1', { key: 'org/alice', value: { n: 1 }, headers: { 'x-correlation-id': 'c1' } }));
    expect(record).toMatchObject({ topic: 'context.commands.v1', partition: 3, offset: '0' });
    expect(sut.kafka.producers[0]!.sent).toEqual([
      { topic: 'context.commands.v1', acks: -1, timeout: 100, messages: [{ key: 'org/alice', value: '{"n":1}', headers: { 'x-correlation-id': 'c1' } }] },
    ]);
  });

  it('fails an emit with BusUnavailable when Kafka does not acknowledge it in time (the 503 path)', async () => {
    sut = new TestKafkaClient();
    await sut.connect();
    sut.kafka.producers[0]!.onSend = () => new Promise(() => undefined);
    const error = await lastValueFrom(sut.emit('context.commands.v1', { key: 'k', value: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.BusUnavailable);
    expect((error as DomainError).message).toMatch(/not acknowledged within 100 ms/);
  });

  it('lets the caller of an emit that timed out wait for the send kafkajs goes on retrying: landed or given up', async () => {
    sut = new TestKafkaClient();
    await sut.connect();
    const sends: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
    sut.kafka.producers[0]!.onSend = () =>
      new Promise((resolve, reject) => sends.push({ resolve: () => resolve([{ topicName: 'context.commands.v1', partition: 0, errorCode: 0, baseOffset: '7' }]), reject }));
    const emitted = () => lastValueFrom(sut.emit('context.commands.v1', { key: 'k', value: 1 })).catch((e: unknown) => e);
    const [landing, givingUp] = [await emitted(), await emitted()];
    expect(landing).toMatchObject({ code: ErrorCode.BusUnavailable });

    const afterPendingCallbacks = new Promise((resolve) => setImmediate(() => resolve('still sending')));
    expect(await Promise.race([landedLate(landing), afterPendingCallbacks])).toBe('still sending');
    sends[0]!.resolve();
    sends[1]!.reject(new Error('KafkaJSNumberOfRetriesExceeded'));
    expect(await landedLate(landing)).toBe(true);
    expect(await landedLate(givingUp)).toBe(false);
  });

  it('answers at once that a send refused outright will not land later', async () => {
    sut = new TestKafkaClient();
    await sut.connect();
    sut.kafka.producers[0]!.onSend = () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS'));
    const error = await lastValueFrom(sut.emit('context.commands.v1', { value: 1 })).catch((e: unknown) => e);
    expect(await landedLate(error)).toBe(false);
  });

  it('fails an emit with BusUnavailable when the send is refused', async () => {
    sut = new TestKafkaClient();
    await sut.connect();
    sut.kafka.producers[0]!.onSend = () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS'));
    await expect(lastValueFrom(sut.emit('context.commands.v1', { value: 1 }))).rejects.toMatchObject({ code: ErrorCode.BusUnavailable });
  });

  it('retries connecting on the next call after a failed connect', async () => {
    sut = new TestKafkaClient();
    sut.failNextConnect = new Error('ECONNREFUSED');
    const error = await lastValueFrom(sut.emit('context.commands.v1', { value: 1 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.BusUnavailable, message: expect.stringMatching(/ECONNREFUSED/) });
    await expect(lastValueFrom(sut.emit('context.commands.v1', { value: 1 }))).resolves.toMatchObject({ partition: 3 });
  });

  describe('send', () => {
    async function request(sut: TestKafkaClient, data: unknown) {
      const reply = lastValueFrom(sut.send(RPC, data).pipe(timeout(2_000)));
      await waitFor(() => sut.kafka?.producers[0]?.sent.length === 1);
      const sent = sut.kafka.producers[0]!.sent[0]!;
      return { reply, sent, headers: sent.messages[0]!.headers as Record<string, string> };
    }

    it('publishes the request with a correlation id, its reply address and a deadline, and resolves with the reply', async () => {
      sut = new TestKafkaClient();
      const before = Date.now();
      const { reply, sent, headers } = await request(sut, { key: 'tenant-1', value: { q: 'cats' }, headers: { 'x-correlation-id': 'c1' } });
      expect(sent).toMatchObject({ topic: RPC, acks: -1, messages: [{ key: 'tenant-1', value: '{"q":"cats"}' }] });
      expect(headers).toMatchObject({ 'x-correlation-id': 'c1', kafka_replyTopic: `${RPC}.reply` });
      expect(['0', '1', '2', '3']).toContain(headers.kafka_replyPartition);
      expect(Number(headers['x-deadline'])).toBeGreaterThanOrEqual(before + 5_000);

      await sut.kafka.consumers[0]!.deliver(`${RPC}.reply`, {
        value: '{"ok":true,"data":[1,2]}',
        headers: { kafka_correlationId: headers.kafka_correlationId, 'kafka_nest-is-disposed': '\u0000' },
      });
      await expect(reply).resolves.toEqual({ ok: true, data: [1, 2] });
    });

    it('spreads replies over every partition it was assigned', async () => {
      sut = new TestKafkaClient();
      const partitions = new Set<string>();
      for (let n = 0; n < 4; n += 1) {
        const reply = lastValueFrom(sut.send(RPC, { value: n }));
        await waitFor(() => sut.kafka?.producers[0]?.sent.length === n + 1);
        const headers = sut.kafka.producers[0]!.sent[n]!.messages[0]!.headers as Record<string, string>;
        partitions.add(headers.kafka_replyPartition!);
        await sut.kafka.consumers[0]!.deliver(`${RPC}.reply`, { value: '1', headers: { kafka_correlationId: headers.kafka_correlationId } });
        await reply;
      }
      expect([...partitions].sort()).toEqual(['0', '1', '2', '3']);
    });

    it("rejects with the remote error's message", async () => {
      sut = new TestKafkaClient();
      const { reply, headers } = await request(sut, { value: 1 });
      const outcome = reply.catch((error: unknown) => error);
      await sut.kafka.consumers[0]!.deliver(`${RPC}.reply`, { value: null, headers: { kafka_correlationId: headers.kafka_correlationId, 'kafka_nest-err': 'search index is gone' } });
      expect(await outcome).toEqual(new Error('search index is gone'));
    });

    it('ignores replies meant for another process', async () => {
      sut = new TestKafkaClient();
      const { reply, headers } = await request(sut, { value: 1 });
      await sut.kafka.consumers[0]!.deliver(`${RPC}.reply`, { value: '"not yours"', headers: { kafka_correlationId: 'someone-else' } });
      await sut.kafka.consumers[0]!.deliver(`${RPC}.reply`, { value: '"yours"', headers: { kafka_correlationId: headers.kafka_correlationId } });
      await expect(reply).resolves.toBe('yours');
    });

    it('refuses a pattern it holds no reply subscription for', async () => {
      sut = new TestKafkaClient();
      await expect(lastValueFrom(sut.send('nobody.listens.rpc.v1', { value: 1 }))).rejects.toThrow(/add it to requestPatterns/);
    });
  });
});
