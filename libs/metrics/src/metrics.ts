import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './registry';
import { StoreGauge } from './store-gauge';

// Labels name routes, topics and outcomes, never a tenant, a session or a file: the metrics hold no
// client data, and their series stay few.

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const registers = [metricsRegistry];

export const httpRequestDuration = new Histogram({
  name: 'recollect_http_request_duration_seconds',
  help: 'HTTP requests answered by the gateway, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: LATENCY_BUCKETS,
  registers,
});

// The gateway's waits on the bus are mostly a few milliseconds: finer buckets at that end.
const BUS_WAIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const gatewayCommandDuration = new Histogram({
  name: 'recollect_gateway_command_duration_seconds',
  help: "Time the gateway waited for the bus to store a command durably (a PostgreSQL commit, or the Kafka brokers' acknowledgement), by topic and outcome (stored, refused)",
  labelNames: ['topic', 'outcome'] as const,
  buckets: BUS_WAIT_BUCKETS,
  registers,
});

export const gatewayRequestDuration = new Histogram({
  name: 'recollect_gateway_request_duration_seconds',
  help: 'Time the gateway waited for a service to answer a request over the bus, by pattern and outcome (answered, timeout, failed)',
  labelNames: ['pattern', 'outcome'] as const,
  buckets: BUS_WAIT_BUCKETS,
  registers,
});

export const busDeliveries = new Counter({
  name: 'recollect_bus_deliveries_total',
  help: 'Deliveries of event and command messages to their handlers, by topic and outcome: handled, failed (to be retried or dead-lettered), dead_lettered',
  labelNames: ['topic', 'outcome'] as const,
  registers,
});

export const busHandleDuration = new Histogram({
  name: 'recollect_bus_handle_duration_seconds',
  help: 'Time the handlers of one delivery took, by topic, whether they succeeded or not',
  labelNames: ['topic'] as const,
  buckets: LATENCY_BUCKETS,
  registers,
});

export const busConsumerLag = new StoreGauge(
  'recollect_bus_consumer_lag_messages',
  'Messages stored on a topic that a consumer group of the in-process bus has not finished yet (on Kafka, read lag from the brokers)',
  ['group', 'topic'] as const,
);

export const ingestionJobs = new Counter({
  name: 'recollect_ingestion_jobs_total',
  help: 'Ingestion jobs finished, by kind (add, delete) and outcome (completed, failed); a job one delivery failed and a concurrent one completed counts under both',
  labelNames: ['kind', 'outcome'] as const,
  registers,
});

export const ingestionChunksIndexed = new Counter({
  name: 'recollect_ingestion_chunks_indexed_total',
  help: 'Chunks written to the search index, by source: documents, or memory messages (a redelivered command writes its chunks again)',
  labelNames: ['source'] as const,
  registers,
});

export const memoryOutboxWaiting = new StoreGauge('recollect_memory_outbox_waiting_changes', 'Memory changes stored but not yet published to the bus', [] as const);

export const memoryOutboxOldestAge = new StoreGauge(
  'recollect_memory_outbox_oldest_change_age_seconds',
  'How long the oldest memory change not yet published has waited (0 when none waits)',
  [] as const,
);
