import { availableParallelism } from 'node:os';
import { z } from 'zod';

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  JWT_ORG_CLAIM: z.string().default('org'),
  JWT_ADMIN_SCOPE: z.string().default('admin'),
  JOB_ID_SECRET: z.string().min(16).optional(),

  DATABASE_URL: z.url().optional(),
  POSTGRES_PORT: int(54329),

  EMBEDDER: z.enum(['use-lite', 'openai', 'hashing']).default('use-lite'),
  EMBEDDER_URL: z.url().optional(),
  EMBEDDER_MODEL: z.string().optional(),
  EMBEDDER_API_KEY: z.string().optional(),
  EMBEDDER_DIMENSION: z.coerce.number().int().positive().optional(),
  /** USE-lite worker threads, one encoder each; defaults to the cores available (at most 4). */
  EMBEDDER_THREADS: int(Math.min(4, availableParallelism())),
  /** Nice value of those threads (Linux): encoding yields the CPU to request handling. 0 keeps them at the process's priority. */
  EMBEDDER_NICENESS: z.coerce.number().int().min(0).max(19).default(10),
  /** What runs USE-lite: ONNX Runtime with int8 dense layers, the same in float (onnx-fp32), or TensorFlow.js on WebAssembly where ONNX Runtime has no binary. */
  EMBEDDER_RUNTIME: z.enum(['onnx', 'onnx-fp32', 'tfjs']).default('onnx'),

  RATE_LIMIT_PER_MINUTE: int(1200),
  SYNC_TIMEOUT_MS: int(60_000),
  RPC_TIMEOUT_MS: int(15_000),
  BUS_MAX_ATTEMPTS: int(5),
  BUS_PARTITIONS: int(8),
  CHUNK_MAX_WORDS: z.coerce.number().int().positive().optional(),
  CHUNK_OVERLAP_WORDS: z.coerce.number().int().min(0).default(12),
  /** Hybrid search (`mode=standard`): weight of the BM25 share against the cosine, 0..1 (default in the query service). */
  SEARCH_LEXICAL_WEIGHT: z.coerce.number().min(0).max(1).optional(),
  /** Hybrid search: how much a title match counts on top of the same match in the text (default in the query service). */
  SEARCH_TITLE_BOOST: z.coerce.number().min(0).max(100).optional(),
  /** Hybrid search: the part of the lexical share that query words side by side take, 0..1 (default in the query service). */
  SEARCH_ADJACENCY_WEIGHT: z.coerce.number().min(0).max(1).optional(),
  /** Memory retrieval: the share of the way to a score of 1 a message gains when the query names its speaker, 0..1 (default in the query service). */
  SEARCH_SPEAKER_BOOST: z.coerce.number().min(0).max(1).optional(),
  /** `bearer`: Memind routes (/open/v1) take the token like every route. `none`: they trust `userId` in the body; trusted networks only. */
  MEMIND_AUTH: z.enum(['bearer', 'none']).default('bearer'),

  // Distributed mode: which adapters carry the bus and hold the index.
  BUS: z.enum(['inprocess', 'kafka']).default('inprocess'),
  SEARCH_INDEX: z.enum(['lancedb', 'opensearch']).default('lancedb'),
  /** The embedded index builds its ANN (HNSW) index once its table holds this many chunks; exact search below. */
  VECTOR_INDEX_MIN_ROWS: int(20_000),
  /** Nice value of LanceDB's threads (Linux): index writes and upkeep yield the CPU to request handling. 0 keeps them at the process's priority. */
  INDEX_NICENESS: z.coerce.number().int().min(0).max(19).default(10),
  /** Where a distributed bus service (ingestion, query, memory) answers /health/live and /health/ready. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  KAFKA_BROKERS: z
    .string()
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'each broker must be host:port')).min(1))
    .optional(),
  KAFKA_CLIENT_ID: z.string().regex(/^[\w.-]+$/, 'letters, digits, ".", "_" and "-" only').default('recollect'),
  KAFKA_TOPIC_PARTITIONS: int(12),
  KAFKA_REPLICATION_FACTOR: int(1),
  // Kafka's own default is 1 MiB; less would refuse a memory change of one long message.
  KAFKA_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024 * 1024, 'must be at least 1 MiB (1048576)').default(64 * 1024 * 1024),
  KAFKA_PUBLISH_TIMEOUT_MS: int(10_000),
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: int(4),
  KAFKA_SESSION_TIMEOUT_MS: int(30_000),
  KAFKA_SSL: z.stringbool().default(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  OPENSEARCH_URL: z.url().optional(),
  OPENSEARCH_USERNAME: z.string().optional(),
  OPENSEARCH_PASSWORD: z.string().optional(),
  OPENSEARCH_INDEX: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" and "-"').default('recollect-chunks'),
  OPENSEARCH_SHARDS: int(1),
  OPENSEARCH_REPLICAS: z.coerce.number().int().min(0).default(1),
  OPENSEARCH_TLS_REJECT_UNAUTHORIZED: z.stringbool().default(true),
});
export type Env = z.infer<typeof envSchema>;

/** Validates the environment once at boot; fails fast naming every bad variable and its rule. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (result.success) return refine(result.data);
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new Error(`Invalid environment:\n${lines.join('\n')}`);
}

function refine(env: Env): Env {
  if (env.EMBEDDER === 'openai' && (!env.EMBEDDER_URL || !env.EMBEDDER_MODEL || !env.EMBEDDER_DIMENSION)) {
    throw new Error('Invalid environment:\n  EMBEDDER=openai needs EMBEDDER_URL, EMBEDDER_MODEL and EMBEDDER_DIMENSION');
  }
  if (env.BUS === 'kafka' && !env.KAFKA_BROKERS) throw new Error('Invalid environment:\n  BUS=kafka needs KAFKA_BROKERS (host:port,host:port)');
  if (env.SEARCH_INDEX === 'opensearch' && !env.OPENSEARCH_URL) throw new Error('Invalid environment:\n  SEARCH_INDEX=opensearch needs OPENSEARCH_URL');
  if (env.KAFKA_SASL_MECHANISM && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)) {
    throw new Error('Invalid environment:\n  KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
  }
  return env;
}
