import { randomUUID } from 'node:crypto';
import { deadLetterTopic } from '@recollect/contracts';
import { freePort, kafkaService, noteSkipped } from '@recollect/testing';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll } from 'vitest';
import { type BusHarness, type DeadLetter, describeBusContract } from '../testing/bus-contract.fixture';
import { decodeHeaders, decodeValue } from './kafka-codec';
import { KafkaClient } from './kafka.client';
import { KafkaServer } from './kafka.server';

const service = kafkaService();
if (!service.available) noteSkipped('Bus contract: kafka', service.reason);
afterAll(async () => {
  if (service.available) await service.stop();
});

const PARTITIONS = 4;
const MAX_ATTEMPTS = 3;

describeBusContract(
  service.available ? `kafka (${service.description})` : `kafka (skipped: ${service.reason})`,
  async (timings) => {
    if (!service.available) throw new Error(service.reason);
    const { brokers } = await service.start();
    // Topics and groups of their own: the cluster outlives the test, and may be shared.
    const run = randomUUID().slice(0, 8);
    const topic = `contract.${run}.happened.v1`;
    const rpc = `contract.${run}.rpc.v1`;
    const connection = { brokers, clientId: `contract-${run}` };
    const topics = { partitions: PARTITIONS, replicationFactor: 1, maxMessageBytes: 1024 * 1024 };
    const retry = { maxAttempts: MAX_ATTEMPTS, retryBackoffMs: timings?.retryBackoffMs ?? 5, maxRetryBackoffMs: timings?.maxRetryBackoffMs ?? 20 };
    const clients: KafkaClient[] = [];
    const admin = new Kafka({ brokers, clientId: `contract-${run}-admin`, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();

    const harness: BusHarness = {
      topic,
      rpc,
      partitions: PARTITIONS,
      maxAttempts: MAX_ATTEMPTS,
      patienceMs: 30_000,
      client() {
        const client = new KafkaClient({ connection, name: `client-${clients.length}`, topics, eventTopics: [topic], requestPatterns: [rpc], publishTimeoutMs: 10_000 });
        clients.push(client);
        return client;
      },
      server: (group) => new KafkaServer({ connection, group: `${run}-${group}`, topics, retry, sessionTimeoutMs: 10_000 }),
      async committedOffset(group, partition) {
        const [offsets] = await admin.fetchOffsets({ groupId: `${run}-${group}`, topics: [topic] });
        const offset = offsets?.partitions.find((entry) => entry.partition === partition)?.offset;
        // Kafka stores the next offset to read; the bus reports the last one finished.
        return offset === undefined || offset === '-1' ? undefined : String(BigInt(offset) - 1n);
      },
      deadLetters: () => readAll(brokers, deadLetterTopic(topic)),
      async unreachable() {
        const nowhere = { brokers: [`127.0.0.1:${await freePort()}`], clientId: `contract-${run}-dead`, connectionTimeoutMs: 300, retries: 0 };
        const client = new KafkaClient({ connection: nowhere, name: 'dead', topics, eventTopics: [topic] });
        const server = new KafkaServer({ connection: nowhere, group: `${run}-dead`, topics, retry });
        return { client, server, dispose: () => client.close() };
      },
      async dispose() {
        await Promise.all(clients.map((client) => client.close()));
        await admin.disconnect();
      },
    };
    return harness;
  },
  service.available ? {} : { skip: service.reason },
);

/** Every message on the topic so far, read by a throwaway group up to the high watermark. */
async function readAll(brokers: string[], topic: string): Promise<DeadLetter[]> {
  const kafka = new Kafka({ brokers, clientId: `contract-reader-${randomUUID().slice(0, 8)}`, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const watermarks = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = watermarks.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  if (expected === 0) return [];
  const consumer = kafka.consumer({ groupId: `contract-reader-${randomUUID()}` });
  const letters: DeadLetter[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${letters.length} of ${expected} messages of ${topic}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          letters.push({ key: message.key?.toString() ?? null, value: decodeValue(message.value), headers: decodeHeaders(message.headers) });
          if (letters.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return letters;
}
