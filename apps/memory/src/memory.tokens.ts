/**
 * Memory's own TypeORM data source. Named, because the embedded service runs ingestion and memory
 * in one process, each with its data source: unnamed, both would claim Nest's default one.
 */
export const MEMORY_DATA_SOURCE = 'memory';

export const DELIVERY_POLICY = Symbol('DELIVERY_POLICY');
/** Mirrors the bus's retry bound, so the last attempt can fail its operation before the command is dead-lettered. */
export interface DeliveryPolicy {
  maxAttempts: number;
}

export const CHANGE_LIMITS = Symbol('CHANGE_LIMITS');
export interface ChangeLimits {
  /** The largest change, serialised, the bus takes as one message. */
  maxChangeBytes: number;
}

/** Room left in a bus message for its key, its headers and Kafka's record framing. */
const MESSAGE_FRAMING_BYTES = 64 * 1024;
export const changeLimitsFor = (maxMessageBytes: number): ChangeLimits => ({ maxChangeBytes: maxMessageBytes - MESSAGE_FRAMING_BYTES });
