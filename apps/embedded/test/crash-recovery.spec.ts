import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { signToken } from '@recollect/auth';
import { addMessageBody, createTestDatabase } from '@recollect/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './harness';
import { startServiceProcess, type ServiceProcess } from './service-process';

const API = '/api/v1/context';
const OPEN = '/open/v1';
const SECRET = 'crash-recovery-secret-long-enough';
const ADD_CALLS = 80;
const DOCUMENTS_PER_CALL = 4;
const MESSAGES = 24;

/** About 40 words in sentences of 8: several 12-word chunks per document. */
const documentText = (call: number, doc: number) =>
  Array.from({ length: 5 }, (_, s) => `Record ${call} part ${doc} sentence ${s} notes the quiet harbour lamp.`).join(' ');

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

const client =
  (url: string, token: string): Call =>
  async (method, path, body) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.json().catch(() => null) };
  };

/** Every chunk of the tenant, page by page, as view lists them. */
async function allChunks(call: Call): Promise<Array<{ _id: string; metadata: { file_name: string } }>> {
  const chunks = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await call('GET', `${API}/view?limit=1000&offset=${offset}`);
    expect(page.status).toBe(200);
    chunks.push(...page.body.context);
    if (page.body.context.length < 1000) return chunks;
  }
}

/**
 * Polls until every id reports `completed`, and answers what each reported; fails naming the ones that
 * did not within the deadline, or failed, with the status they were left in.
 */
async function untilAllCompleted(ids: readonly string[], statusOf: (id: string) => Promise<any>, timeoutMs = 60_000): Promise<any[]> {
  const done = new Map<string, any>();
  const deadline = Date.now() + timeoutMs;
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    const left = new Map<string, string>();
    for (const id of ids.filter((id) => !done.has(id))) {
      const reported = await statusOf(id);
      if (reported?.status === 'completed') done.set(id, reported);
      else left.set(id, String(reported?.status));
    }
    const failed = [...left].filter(([, status]) => status === 'failed');
    if (left.size === 0) return ids.map((id) => done.get(id));
    if (failed.length > 0 || Date.now() > deadline) {
      throw new Error(
        `${left.size} of ${ids.length} not completed ${failed.length > 0 ? '(some failed)' : `within ${timeoutMs} ms`}: ${[...left]
          .slice(0, 5)
          .map(([id, status]) => `${id} ${status}`)
          .join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

describe('a service stopped in the middle of its work', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'after %s, a restart on the same data completes every acknowledged job and message, none of them twice',
    async (signal) => {
      const database = await createTestDatabase();
      cleanups.push(() => database.drop());
      const dataDir = mkdtempSync(join(tmpdir(), 'recollect-crash-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const env = {
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        PORT: '0',
        JWT_SECRET: SECRET,
        EMBEDDER: 'hashing',
        LOG_LEVEL: 'error',
        CHUNK_MAX_WORDS: '12',
        CHUNK_OVERLAP_WORDS: '0',
        // Recovery is polled job by job; the per-tenant limit is not what this test is about.
        RATE_LIMIT_PER_MINUTE: '1000000',
      };
      const token = signToken({ secret: SECRET, sub: 'alice', org: 'acme' });
      let running: ServiceProcess | undefined = await startServiceProcess(env);
      cleanups.push(async () => void (await running?.stop('SIGTERM')));
      let call = client(running.url, token);

      const adds = await Promise.all(
        Array.from({ length: ADD_CALLS }, (_, c) =>
          call('POST', `${API}/add-async`, {
            source: `source-${c}`,
            context_type: 'resource',
            documents: Array.from({ length: DOCUMENTS_PER_CALL }, (_, d) => ({ content: documentText(c, d), fileName: `file-${c}-${d}.txt` })),
          }),
        ),
      );
      const messages = await Promise.all(
        Array.from({ length: MESSAGES }, (_, m) =>
          call('POST', `${OPEN}/memory/async/add-message`, addMessageBody('alice', `Message ${m} mentions the word marker${m}.`, { sessionId: 'crash' })),
        ),
      );
      expect(adds.map((r) => r.status)).toEqual(adds.map(() => 201));
      expect(messages.map((r) => r.status)).toEqual(messages.map(() => 202));
      const jobIds: string[] = adds.map((r) => r.body.jobId);
      const operationIds: string[] = messages.map((r) => r.body.data.operationId);

      // Stopped once ingestion has begun: the later jobs are then still waiting, or half way through.
      await eventually(async () => ((await call('GET', `${API}/add-async/${jobIds[0]}/status`)).body.status === 'completed' ? true : undefined));
      const exit = await running.stop(signal);
      expect(exit).toEqual(signal === 'SIGKILL' ? { code: null, signal: 'SIGKILL' } : { code: 0, signal: null });
      const db = new Client({ connectionString: database.url });
      await db.connect();
      try {
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE id = ANY($1) AND status = 'completed'`, [jobIds]);
        expect(rows[0]!.n, 'jobs completed before the stop').toBeLessThan(jobIds.length);
      } finally {
        await db.end();
      }

      running = await startServiceProcess(env);
      call = client(running.url, token);
      const jobs = await untilAllCompleted(jobIds, async (jobId) => (await call('GET', `${API}/add-async/${jobId}/status`)).body);
      expect(jobs.map((job) => job.result.processed_documents)).toEqual(jobIds.map(() => DOCUMENTS_PER_CALL));
      await untilAllCompleted(operationIds, async (operationId) => (await call('GET', `${OPEN}/operations/${operationId}`)).body.data);

      // Each document listed once, and its chunks in the index once each, as many as it says it has
      // (the conversation's messages are listed too, without a file name).
      const listed: Array<{ fileName: string | null; chunkCount: number }> = (await call('GET', `${API}/view/docs`)).body.documents;
      const documents = listed.filter((d): d is { fileName: string; chunkCount: number } => d.fileName !== null);
      expect(listed.length - documents.length).toBe(MESSAGES);
      const fileNames = documents.map((d) => d.fileName).sort();
      const expected = Array.from({ length: ADD_CALLS }, (_, c) => Array.from({ length: DOCUMENTS_PER_CALL }, (_, d) => `file-${c}-${d}.txt`))
        .flat()
        .sort();
      expect(fileNames).toEqual(expected);
      const chunks = await allChunks(call);
      expect(new Set(chunks.map((chunk) => chunk._id)).size).toBe(chunks.length);
      const chunksPerFile = new Map<string, number>();
      for (const chunk of chunks) chunksPerFile.set(chunk.metadata.file_name, (chunksPerFile.get(chunk.metadata.file_name) ?? 0) + 1);
      for (const document of documents) {
        expect(document.chunkCount).toBeGreaterThan(1);
        expect(chunksPerFile.get(document.fileName)).toBe(document.chunkCount);
      }

      // Each message stored and indexed once: its own word finds it, and only it.
      for (let m = 0; m < MESSAGES; m += 1) {
        const found = await call('POST', `${OPEN}/memory/retrieve`, { userId: 'alice', sessionId: 'crash', query: `marker${m}`, limit: 50 });
        expect(found.status).toBe(200);
        expect(found.body.data.items.filter((item: { text: string }) => item.text.includes(`marker${m}.`))).toHaveLength(1);
      }
    },
    180_000,
  );
});
