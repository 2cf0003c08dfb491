import { Client } from 'pg';
import { addContextBody, searchBody } from '@recollect/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness';

const API = '/api/v1/context';

describe('answers under failure', () => {
  let sut: TestStack | undefined;
  afterEach(async () => {
    await sut?.stop();
    sut = undefined;
  });

  it('answers 503, not 201, when the command cannot be made durable, and nothing is queued', async () => {
    sut = await startTestStack();
    const token = sut.token('u', 'o');
    const db = new Client({ connectionString: sut.databaseUrl });
    await db.connect();
    try {
      await db.query('ALTER TABLE bus.messages RENAME TO messages_unavailable');
      const response = await sut.call(token, 'POST', `${API}/add-async`, addContextBody());
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('BUS_UNAVAILABLE');
      const metrics = await (await fetch(`${sut.url}/metrics`)).text();
      expect(metrics).toContain('recollect_gateway_command_duration_seconds_count{topic="context.commands.v1",outcome="refused"} 1\n');
      await db.query('ALTER TABLE bus.messages_unavailable RENAME TO messages');
      const { rows } = await db.query("SELECT count(*)::int AS n FROM bus.messages WHERE topic = 'context.commands.v1'");
      expect(rows[0].n).toBe(0);
      expect((await sut.call(token, 'POST', `${API}/add-async`, addContextBody())).status).toBe(201);
    } finally {
      await db.end();
    }
  });

  it('answers 504 with the job id when a synchronous add outlives its deadline, and the job still completes', async () => {
    sut = await startTestStack({ SYNC_TIMEOUT_MS: '1' });
    const token = sut.token('u', 'o');
    const response = await sut.call(token, 'POST', `${API}/add`, addContextBody({ documents: [{ content: 'Slow path probe about glaciers.' }] }));
    expect(response.status).toBe(504);
    const jobId = response.body.error.details.jobId as string;
    expect(jobId).toMatch(/^job-/);
    const deadline = Date.now() + 15_000;
    let status = '';
    while (Date.now() < deadline && status !== 'completed') {
      status = (await sut.call(token, 'GET', `${API}/add-async/${jobId}/status`)).body.status;
      if (status !== 'completed') await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe('completed');
  });

  it('answers 429 past the per-tenant rate, without slowing other tenants', async () => {
    sut = await startTestStack({ RATE_LIMIT_PER_MINUTE: '3' });
    const busy = sut.token('busy', 'o');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await sut.call(busy, 'POST', `${API}/search`, searchBody('q'))).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect((await sut.call(sut.token('calm', 'o'), 'POST', `${API}/search`, searchBody('q'))).status).toBe(202);
  });
});
