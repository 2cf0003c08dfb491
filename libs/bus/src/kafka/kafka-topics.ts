import type { LoggerService } from '@nestjs/common';
import { deadLetterTopic } from '@recollect/contracts';
import { ConfigResourceTypes, type Admin, type ITopicConfig } from 'kafkajs';

/** How every topic this service creates is laid out. Existing topics are never altered. */
export interface TopicSettings {
  /** Upper bound on consumers of one group that get work; keys hash onto them. */
  partitions: number;
  /** Passed explicitly: brokers before Kafka 2.4 do not know "use the broker default" (-1). */
  replicationFactor: number;
  /** An add command may carry up to 50 MB of documents, far above Kafka's 1 MB default. */
  maxMessageBytes: number;
}

export type TopicRole = 'event' | 'dead-letter' | 'request' | 'reply';

export interface TopicSpec {
  topic: string;
  role: TopicRole;
}

const HOUR_MS = 60 * 60 * 1000;

/** Requests and replies are useless once their caller gave up, so they are kept an hour; dead letters two weeks. */
const RETENTION_MS: Partial<Record<TopicRole, number>> = {
  'dead-letter': 14 * 24 * HOUR_MS,
  request: HOUR_MS,
  reply: HOUR_MS,
};

export const replyTopic = (pattern: string): string => `${pattern}.reply`;

/** Event topics come with their `.dlq` twin, request topics with their `.reply` topic. */
export function topicSpecs(topics: { events?: readonly string[]; requests?: readonly string[] }): TopicSpec[] {
  const specs = new Map<string, TopicSpec>();
  for (const topic of topics.events ?? []) {
    specs.set(topic, { topic, role: 'event' });
    specs.set(deadLetterTopic(topic), { topic: deadLetterTopic(topic), role: 'dead-letter' });
  }
  for (const topic of topics.requests ?? []) {
    specs.set(topic, { topic, role: 'request' });
    specs.set(replyTopic(topic), { topic: replyTopic(topic), role: 'reply' });
  }
  return [...specs.values()];
}

export function topicConfig(spec: TopicSpec, settings: TopicSettings): ITopicConfig {
  const configEntries = [{ name: 'max.message.bytes', value: String(settings.maxMessageBytes) }];
  const retention = RETENTION_MS[spec.role];
  if (retention !== undefined) configEntries.push({ name: 'retention.ms', value: String(retention) });
  return { topic: spec.topic, numPartitions: settings.partitions, replicationFactor: settings.replicationFactor, configEntries };
}

/**
 * Creates the topics that do not exist yet, and waits for their leaders. Safe to run from every
 * replica at once: a topic created meanwhile by another one is fine. An existing topic with fewer
 * partitions than configured is reported, not changed (adding partitions moves keys between them).
 */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[], settings: TopicSettings, logger: LoggerService): Promise<string[]> {
  if (specs.length === 0) return [];
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    await admin.createTopics({ topics: missing.map((spec) => topicConfig(spec, settings)), waitForLeaders: true });
    logger.log(`created topics ${missing.map((spec) => spec.topic).join(', ')}`, 'KafkaTopics');
  }
  const present = specs.filter((spec) => existing.has(spec.topic)).map((spec) => spec.topic);
  if (present.length > 0) {
    const { topics } = await admin.fetchTopicMetadata({ topics: present });
    for (const { name, partitions } of topics) {
      if (partitions.length < settings.partitions) {
        logger.warn(`topic ${name} has ${partitions.length} partitions, fewer than the configured ${settings.partitions}; only ${partitions.length} consumers of a group get work`, 'KafkaTopics');
      }
    }
    await warnOfSmallerMessageLimits(admin, present, settings, logger);
  }
  return missing.map((spec) => spec.topic);
}

/**
 * Services size what they publish by KAFKA_MAX_MESSAGE_BYTES (the memory service refuses changes past
 * it). A topic created beforehand with a smaller limit refuses messages that pass that check, every
 * time: said at start, not found out per message. Reading the configs takes a permission some
 * deployments do not grant; without it, nothing is said.
 */
async function warnOfSmallerMessageLimits(admin: Admin, topics: readonly string[], settings: TopicSettings, logger: LoggerService): Promise<void> {
  let described;
  try {
    described = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })) });
  } catch {
    return;
  }
  for (const { resourceName, configEntries } of described.resources) {
    const limit = Number(configEntries.find((entry) => entry.configName === 'max.message.bytes')?.configValue);
    if (Number.isFinite(limit) && limit < settings.maxMessageBytes) {
      logger.warn(
        `topic ${resourceName} takes messages of at most ${limit} bytes, less than KAFKA_MAX_MESSAGE_BYTES (${settings.maxMessageBytes}): Kafka refuses the larger adds and memory changes that pass the services' own check; raise the topic's max.message.bytes (and the brokers' message.max.bytes), or lower KAFKA_MAX_MESSAGE_BYTES to match`,
        'KafkaTopics',
      );
    }
  }
}
