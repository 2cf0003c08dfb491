import { spawnSync } from 'node:child_process';

/**
 * Where the Kafka and OpenSearch contract runs find their server: the URL in the environment if one is
 * set, otherwise a throwaway container when a Docker engine answers, otherwise nowhere, with the
 * reason, so the run is reported as skipped instead of failing for lack of Docker.
 */
export type ExternalService<T> =
  | { available: true; description: string; start(): Promise<T>; stop(): Promise<void> }
  | { available: false; reason: string };

export interface KafkaEndpoint {
  brokers: string[];
}

export interface OpenSearchEndpoint {
  url: string;
  username?: string;
  password?: string;
}

const KAFKA_IMAGE = process.env.KAFKA_TEST_IMAGE ?? 'confluentinc/cp-kafka:7.7.1';
const OPENSEARCH_IMAGE = process.env.OPENSEARCH_TEST_IMAGE ?? 'opensearchproject/opensearch:2.19.2';

// testcontainers only answers asynchronously, and test files decide to skip while they are collected
// (synchronously, without top-level await in CommonJS), so a child process asks it, once per file.
const PROBE = `require('testcontainers').getContainerRuntimeClient().then(() => process.exit(0), (e) => { process.stderr.write(String(e && e.message)); process.exit(1); })`;
let dockerProbe: string | undefined | null = null;

function dockerUnavailableReason(): string | undefined {
  if (dockerProbe !== null) return dockerProbe;
  const probe = spawnSync(process.execPath, ['-e', PROBE], { encoding: 'utf8', timeout: 30_000 });
  dockerProbe = probe.status === 0 ? undefined : `no Docker engine (${probe.stderr.trim() || probe.error?.message || 'no answer'})`;
  return dockerProbe;
}

function once<T>(start: () => Promise<{ endpoint: T; stop(): Promise<unknown> }>): { start(): Promise<T>; stop(): Promise<void> } {
  let started: Promise<{ endpoint: T; stop(): Promise<unknown> }> | undefined;
  return {
    start: async () => (await (started ??= start())).endpoint,
    stop: async () => {
      const running = started;
      started = undefined;
      if (running) await (await running).stop();
    },
  };
}

export function kafkaService(): ExternalService<KafkaEndpoint> {
  const fromEnv = process.env.KAFKA_BROKERS?.split(',').map((broker) => broker.trim()).filter(Boolean);
  if (fromEnv?.length) return { available: true, description: `KAFKA_BROKERS=${fromEnv.join(',')}`, start: async () => ({ brokers: fromEnv }), stop: async () => undefined };
  const reason = dockerUnavailableReason();
  if (reason) return { available: false, reason: `set KAFKA_BROKERS or run a Docker engine: ${reason}` };
  return {
    available: true,
    description: `testcontainers ${KAFKA_IMAGE}`,
    ...once(async () => {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = await new KafkaContainer(KAFKA_IMAGE).withKraft().start();
      return { endpoint: { brokers: [`${container.getHost()}:${container.getMappedPort(9093)}`] }, stop: () => container.stop() };
    }),
  };
}

export function openSearchService(): ExternalService<OpenSearchEndpoint> {
  const url = process.env.OPENSEARCH_URL;
  if (url) {
    const endpoint = { url, username: process.env.OPENSEARCH_USERNAME, password: process.env.OPENSEARCH_PASSWORD };
    return { available: true, description: `OPENSEARCH_URL=${url}`, start: async () => endpoint, stop: async () => undefined };
  }
  const reason = dockerUnavailableReason();
  if (reason) return { available: false, reason: `set OPENSEARCH_URL or run a Docker engine: ${reason}` };
  return {
    available: true,
    description: `testcontainers ${OPENSEARCH_IMAGE}`,
    ...once(async () => {
      const { OpenSearchContainer } = await import('@testcontainers/opensearch');
      const container = await new OpenSearchContainer(OPENSEARCH_IMAGE).withSecurityEnabled(false).start();
      return { endpoint: { url: container.getHttpUrl() }, stop: () => container.stop() };
    }),
  };
}

/** Prints why a contract run is skipped, once, where a person reading the test output sees it. */
export function noteSkipped(suite: string, reason: string): void {
  console.warn(`[skipped] ${suite}: ${reason}`);
}
