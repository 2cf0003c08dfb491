import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '@recollect/auth';
import { createTestDatabase } from '@recollect/testing';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './harness';
import { startServiceProcess } from './service-process';

const API = '/api/v1/context';
const SECRET = 'graceful-stop-secret-long-enough';
const BURST = 40;

/** About 300 words: several chunks for the encoder. */
const documentText = (n: number) =>
  Array.from({ length: 30 }, (_, s) => `Report ${n} line ${s} says the harbour lamp burned late while the ships came home.`).join(' ');

/** One request on a kept-alive connection, answered with its status and headers. */
function post(agent: Agent, url: string, token: string, path: string, body: unknown): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const call = request(`${url}${path}`, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers }));
    });
    call.on('error', reject);
    call.end(JSON.stringify(body));
  });
}

describe('a stop signal in the middle of work', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start() {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const dataDir = mkdtempSync(join(tmpdir(), 'recollect-stop-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // The default encoder: ONNX Runtime in worker threads.
    const service = await startServiceProcess({ DATA_DIR: dataDir, DATABASE_URL: database.url, PORT: '0', JWT_SECRET: SECRET, LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '1000000' });
    cleanups.push(async () => void (await service.stop('SIGKILL')));
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const token = signToken({ secret: SECRET, sub: 'alice', org: 'acme' });
    const burst = await Promise.all(
      Array.from({ length: BURST }, (_, n) => post(agent, service.url, token, `${API}/add-async`, { source: `burst-${n}`, context_type: 'resource', documents: [{ content: documentText(n), fileName: `burst-${n}.txt` }] })),
    );
    expect(burst.map(({ status }) => status)).toEqual(burst.map(() => 201));
    return { database, service, agent, token };
  }

  // The encoder's workers were terminated in the middle of an ONNX Runtime call (encoding the commands
  // ahead), which aborted the process: exit 134, PostgreSQL left running.
  it('exits 0 when stopped while a burst of documents is being encoded', async () => {
    const { service } = await start();
    expect(await service.stop('SIGTERM', 30_000)).toEqual({ code: 0, signal: null });
  }, 120_000);

  // A connection busy when the stop began stayed open after its answer, and the stop waited for the
  // client's keep-alive to lapse: 72 s, past any orchestrator's grace period.
  it('answers the request in flight on a kept-alive connection, closes that connection, and exits 0', async () => {
    const { database, service, agent, token } = await start();
    // A sync add waits for its job, queued behind the burst's: once its command is in the log, the
    // request is in flight, and stays so while the burst is encoded.
    const syncAdd = post(agent, service.url, token, `${API}/add`, { source: 'last', context_type: 'resource', documents: [{ content: documentText(BURST), fileName: 'last.txt' }] });
    const db = new Client({ connectionString: database.url });
    await db.connect();
    cleanups.push(() => db.end());
    await eventually(async () => (Number((await db.query(`SELECT count(*) AS n FROM bus.messages WHERE topic = 'context.commands.v1'`)).rows[0].n) > BURST ? true : undefined), 30_000);

    const exit = await service.stop('SIGTERM', 30_000);
    expect(exit).toEqual({ code: 0, signal: null });
    const answer = await syncAdd;
    // 504 if its job was still queued when the stop began (the wait ends then; see
    // stop-during-sync-wait.spec.ts), 201 if it had finished.
    expect([201, 504]).toContain(answer.status);
    expect(answer.headers.connection).toBe('close');
  }, 120_000);
});
