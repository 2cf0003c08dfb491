import { BaseRpcContext } from '@nestjs/microservices';

/** One bus record as a handler sees it: the fields of a Kafka message (offset is a string, as in kafkajs). */
export interface BusRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: unknown;
  timestamp: Date;
}

/** Offset of a request/reply message, which is answered in memory and never stored. */
export const UNSTORED_OFFSET = '-1';

/** The records after this one the consumer holds: as they are when it was handed over, or as they are when asked. */
type Upcoming = readonly BusRecord[] | (() => readonly BusRecord[]);
type BusContextArgs = [record: BusRecord, attempt: number, upcoming?: Upcoming];

/**
 * What `@Ctx()` gives a bus handler. `getTopic`, `getPartition` and `getMessage` mirror KafkaContext so a
 * handler that only uses those runs unchanged on ServerKafka; the rest are conveniences.
 */
export class BusContext extends BaseRpcContext<BusContextArgs> {
  getMessage(): BusRecord {
    return this.args[0];
  }

  getTopic(): string {
    return this.args[0].topic;
  }

  getPartition(): number {
    return this.args[0].partition;
  }

  getKey(): string | null {
    return this.args[0].key;
  }

  getOffset(): string {
    return this.args[0].offset;
  }

  getHeaders(): Record<string, string> {
    return this.args[0].headers;
  }

  /** 1 on first delivery; grows with each retry of the same message. */
  getAttempt(): number {
    return this.args[1];
  }

  /**
   * The records after this one on its partition that the consumer already holds, in order: on Kafka
   * the rest of the fetched batch (up to 100); in process, what was read so far, which grows while the
   * handler runs as messages are published (ask again to see them). They are not delivered yet, and each will still be delivered,
   * here or (after a rebalance or crash) to another consumer. So a handler may start work for them
   * early, such as computing what their delivery will need, or even apply them, if applying one twice
   * is harmless and its own delivery then finds it done: at-least-once delivery already demands that.
   */
  getUpcoming(): readonly BusRecord[] {
    const upcoming = this.args[2] ?? [];
    return typeof upcoming === 'function' ? upcoming() : upcoming;
  }
}
