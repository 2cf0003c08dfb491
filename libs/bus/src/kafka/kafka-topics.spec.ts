import { describe, expect, it } from 'vitest';
import { FakeAdmin } from './fake-kafka.fixture';
import { ensureTopics, topicConfig, topicSpecs } from './kafka-topics';

const SETTINGS = { partitions: 12, replicationFactor: 3, maxMessageBytes: 64 * 1024 * 1024 };

describe('kafka topics', () => {
  it('pairs event topics with their .dlq and request topics with their .reply, once each', () => {
    expect(topicSpecs({ events: ['a.v1', 'a.v1'], requests: ['b.rpc.v1'] })).toEqual([
      { topic: 'a.v1', role: 'event' },
      { topic: 'a.v1.dlq', role: 'dead-letter' },
      { topic: 'b.rpc.v1', role: 'request' },
      { topic: 'b.rpc.v1.reply', role: 'reply' },
    ]);
  });

  it('sizes messages for 50 MB commands and keeps requests and replies an hour', () => {
    expect(topicConfig({ topic: 'a.v1', role: 'event' }, SETTINGS)).toEqual({
      topic: 'a.v1',
      numPartitions: 12,
      replicationFactor: 3,
      configEntries: [{ name: 'max.message.bytes', value: String(64 * 1024 * 1024) }],
    });
    expect(topicConfig({ topic: 'b.reply', role: 'reply' }, SETTINGS).configEntries).toContainEqual({ name: 'retention.ms', value: '3600000' });
  });

  it('creates only the missing topics and warns about an existing one with fewer partitions', async () => {
    const admin = new FakeAdmin();
    admin.topics.set('a.v1', 3);
    const warnings: string[] = [];
    const created = await ensureTopics(admin as never, topicSpecs({ events: ['a.v1'] }), SETTINGS, { log: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined });
    expect(created).toEqual(['a.v1.dlq']);
    expect(admin.created.map((topic) => topic.topic)).toEqual(['a.v1.dlq']);
    expect(warnings).toEqual([expect.stringMatching(/a\.v1 has 3 partitions, fewer than the configured 12/)]);
  });

  it("warns about an existing topic whose message limit is below the services' own, and stays quiet when it cannot read it", async () => {
    const admin = new FakeAdmin();
    for (const topic of ['a.v1', 'a.v1.dlq', 'b.v1', 'b.v1.dlq']) admin.topics.set(topic, 12);
    admin.maxMessageBytes.set('a.v1', 1_048_588);
    admin.maxMessageBytes.set('b.v1', 128 * 1024 * 1024);
    const warnings: string[] = [];
    const logger = { log: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined };
    await ensureTopics(admin as never, topicSpecs({ events: ['a.v1', 'b.v1'] }), SETTINGS, logger);
    expect(warnings).toEqual([expect.stringMatching(/^topic a\.v1 takes messages of at most 1048588 bytes, less than KAFKA_MAX_MESSAGE_BYTES \(67108864\)/)]);

    admin.failDescribe = new Error('not authorised to describe configs');
    warnings.length = 0;
    await expect(ensureTopics(admin as never, topicSpecs({ events: ['a.v1'] }), SETTINGS, logger)).resolves.toEqual([]);
    expect(warnings).toEqual([]);
  });
});
