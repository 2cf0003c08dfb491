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

  RATE_LIMIT_PER_MINUTE: int(1200),
  SYNC_TIMEOUT_MS: int(60_000),
  RPC_TIMEOUT_MS: int(15_000),
  BUS_MAX_ATTEMPTS: int(5),
  BUS_PARTITIONS: int(8),
  CHUNK_MAX_WORDS: z.coerce.number().int().positive().optional(),
  CHUNK_OVERLAP_WORDS: z.coerce.number().int().min(0).default(12),
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
  return env;
}
