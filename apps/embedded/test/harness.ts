import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '@recollect/auth';
import { loadEnv } from '@recollect/config';
import { createTestDatabase } from '@recollect/testing';
import { startEmbeddedStack, type EmbeddedStack } from '../src/embedded-stack';

export interface TestStack {
  url: string;
  databaseUrl: string;
  stack: EmbeddedStack;
  token(sub: string, org?: string, scope?: string): string;
  /** fetch against the stack with a bearer token; JSON in, JSON out. */
  call(token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** The whole service over real HTTP: real PostgreSQL, the in-process bus, LanceDB; the hashing embedder keeps it fast. */
export async function startTestStack(overrides: Record<string, string> = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'recollect-e2e-'));
  const database = await createTestDatabase();
  const env = loadEnv({
    DATA_DIR: dataDir,
    PORT: '0',
    JWT_SECRET: 'test-secret-that-is-long-enough',
    EMBEDDER: 'hashing',
    LOG_LEVEL: 'silent',
    BUS_MAX_ATTEMPTS: '3',
    ...overrides,
  });
  const stack = await startEmbeddedStack({ env, logger: false, databaseUrl: database.url });
  const call: TestStack['call'] = async (token, method, path, body) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${stack.url}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    url: stack.url,
    databaseUrl: database.url,
    stack,
    token: (sub, org, scope) => signToken({ secret: stack.jwtSecret, sub, org, scope }),
    call,
    stop: async () => {
      await stack.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value other than undefined, or fails after the deadline. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let pause = 10;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 200);
  }
}
