import type { ClientProxy } from '@nestjs/microservices';
import { type Env } from '@recollect/config';
import { KafkaClient, KafkaServer, type KafkaConnectionOptions, type RetryPolicy, type TopicSettings } from '@recollect/bus';
import { Rpc, topicCatalog } from '@recollect/contracts';
import { createHmac } from 'node:crypto';

export function kafkaConnection(env: Env): KafkaConnectionOptions {
  if (!env.KAFKA_BROKERS) throw new Error('Invalid environment:\n  KAFKA_BROKERS is required by the distributed services');
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID,
    ssl: env.KAFKA_SSL,
    sasl: env.KAFKA_SASL_MECHANISM ? { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME!, password: env.KAFKA_SASL_PASSWORD! } : undefined,
  };
}

export const topicSettings = (env: Env): TopicSettings => ({
  partitions: env.KAFKA_TOPIC_PARTITIONS,
  replicationFactor: env.KAFKA_REPLICATION_FACTOR,
  maxMessageBytes: env.KAFKA_MAX_MESSAGE_BYTES,
});

/** The same bound as the in-process bus (BUS_MAX_ATTEMPTS), and the backoff it uses. */
export const retryPolicy = (env: Env): RetryPolicy => ({ maxAttempts: env.BUS_MAX_ATTEMPTS, retryBackoffMs: 100, maxRetryBackoffMs: 5_000 });

/** Every request/reply pattern in the contracts: new ones (the memory service's) are picked up without a change here. */
export const requestPatterns = (): string[] => Object.values(Rpc);

/** Every topic in the public catalog: each service creates what is missing, whoever starts first. */
export const catalogTopics = (): string[] => topicCatalog.map((entry) => entry.topic);

/** A consumer group's Kafka strategy: replicas started with the same group share the partitions. */
export function kafkaServer(env: Env, group: string, onFatalError: (error: unknown) => void): KafkaServer {
  return new KafkaServer({
    connection: kafkaConnection(env),
    group,
    topics: topicSettings(env),
    retry: retryPolicy(env),
    partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    onFatalError,
  });
}

/** A producer for events and commands; with `sendsRequests`, also the request/reply client for every RPC pattern. */
export function kafkaClient(env: Env, name: string, options: { sendsRequests: boolean }): ClientProxy {
  const client = new KafkaClient({
    connection: kafkaConnection(env),
    name,
    topics: topicSettings(env),
    eventTopics: catalogTopics(),
    requestPatterns: options.sendsRequests ? requestPatterns() : [],
    publishTimeoutMs: env.KAFKA_PUBLISH_TIMEOUT_MS,
    requestTimeoutMs: env.RPC_TIMEOUT_MS,
  });
  // The modules take a plain ClientProxy; ClientKafka narrows its status type, which TypeScript then refuses.
  return client as unknown as ClientProxy;
}

/**
 * The services of the distributed mode run in separate processes: request/reply needs Kafka (the
 * in-process bus answers requests in memory), ingestion and query need one index both reach, and
 * the services that own tables need a PostgreSQL server.
 */
export function requireDistributed(env: Env, needs: { database?: boolean; sharedIndex?: boolean }): void {
  const problems: string[] = [];
  if (env.BUS !== 'kafka') problems.push('BUS=kafka (the in-process bus cannot answer requests across processes)');
  if (needs.database && !env.DATABASE_URL) problems.push('DATABASE_URL');
  if (needs.sharedIndex && env.SEARCH_INDEX !== 'opensearch') problems.push('SEARCH_INDEX=opensearch (ingestion and query must share one index)');
  if (problems.length > 0) throw new Error(`Invalid environment for a distributed service:\n${problems.map((problem) => `  needs ${problem}`).join('\n')}`);
}

/** Same derivation as embedded mode, so every gateway replica signs job ids alike from the shared JWT secret. */
export const derivedSecret = (secret: string, purpose: string): string => createHmac('sha256', secret).update(purpose).digest('base64url');
