import { type KafkaConfig, type ProducerConfig, Partitioners, type SASLOptions } from 'kafkajs';

export interface KafkaConnectionOptions {
  brokers: string[];
  /** Prefix of every client id; the service name is appended. */
  clientId: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** Per connection attempt; kafkajs retries with backoff on top. */
  connectionTimeoutMs?: number;
  /** How many times kafkajs retries a failed broker call before giving up. */
  retries?: number;
}

export function kafkaClientConfig(options: KafkaConnectionOptions, clientId: string): KafkaConfig {
  return {
    brokers: options.brokers,
    clientId,
    ssl: options.ssl ?? false,
    // The union type of SASLOptions wants a literal mechanism; ours is one of the three it knows.
    sasl: options.sasl as SASLOptions | undefined,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: options.retries ?? 5 },
  };
}

/**
 * The producer every Recollect service uses: acks=all with at most one request in flight (a retried
 * batch is never written out of order), the Java client's murmur2 partitioner (the in-process bus
 * hashes keys the same way), and no topic auto-creation: topics are created at start-up with
 * explicit partitions and replication. Retries are bounded, so not idempotent: kafkajs rolls a failed
 * request's sequence numbers back, and if every retry failed after one of them was in fact written,
 * the next message would reuse its numbers and the broker would acknowledge it as a duplicate
 * without storing it. Without idempotence a retry can at worst write a message twice, which the
 * consumers absorb (deterministic ids, job states).
 */
export function producerConfig(): ProducerConfig {
  return {
    idempotent: false,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5 },
  };
}

/** acks=-1 is "all": the leader answers once every in-sync replica has the record. */
export const SEND_OPTIONS = { acks: -1 } as const;
