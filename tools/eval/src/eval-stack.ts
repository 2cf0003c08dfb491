import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '@recollect/auth';
import { loadEnv } from '@recollect/config';
import { freePort } from '@recollect/database';
import { startEmbeddedStack, type EmbeddedStack } from '@recollect/embedded';
import { embedderFromEnv } from '@recollect/runtime';
import { ApiClient } from './api-client';
import { CachingEmbedder } from './embedding-cache';

export interface EvalStackOptions {
  /** Environment of the instance (EMBEDDER, CHUNK_MAX_WORDS, ...), over the process environment. */
  env?: Record<string, string | undefined>;
  /** Keep vectors on disk between runs, keyed by model and text. */
  embeddingCache?: string;
}

export interface EvalStack {
  /** A client for a user of its own: every run starts from an empty tenant. */
  client(user: string): ApiClient;
  stop(): Promise<void>;
}

/** A fresh embedded instance in this process: its own data folder and PostgreSQL, on free ports. */
export async function startEvalStack(options: EvalStackOptions = {}): Promise<EvalStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'recollect-eval-'));
  // The embedded PostgreSQL runs as its own user when we are root; it must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const secret = randomBytes(24).toString('hex');
  const env = loadEnv({
    // Exact vector search unless the environment says otherwise: an HNSW graph is built with
    // randomness, and eval figures must repeat run after run.
    VECTOR_INDEX_MIN_ROWS: '1000000000',
    ...process.env,
    LOG_LEVEL: 'warn',
    ...options.env,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    POSTGRES_PORT: String(await freePort()),
    DATABASE_URL: undefined,
    JWT_SECRET: secret,
    RATE_LIMIT_PER_MINUTE: '100000000',
    SYNC_TIMEOUT_MS: '3600000',
    RPC_TIMEOUT_MS: '600000',
  });
  const baseEmbedder = await embedderFromEnv(env);
  const variant = env.EMBEDDER === 'use-lite' ? env.EMBEDDER_RUNTIME : undefined;
  const embedder = options.embeddingCache ? new CachingEmbedder(baseEmbedder, options.embeddingCache, variant) : baseEmbedder;
  let stack: EmbeddedStack;
  try {
    stack = await startEmbeddedStack({ env, logger: false, embedder });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    client: (user) => new ApiClient(stack.url, signToken({ secret, sub: user, org: 'eval' })),
    stop: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
