import { addContextBody, memoryBody, searchBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness';

const API = '/api/v1/context';

/** The value of one series in a Prometheus text exposition, or undefined when it is not exposed. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let sut: TestStack;
  let token: string;
  const scrape = async (): Promise<string> => {
    const response = await fetch(`${sut.url}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    sut = await startTestStack();
    token = sut.token('metrics-user', 'metrics-org');
  });
  afterAll(() => sut?.stop());

  it('counts requests by route pattern and status, the bus deliveries, the jobs and chunks they made, and shows no backlog once done', async () => {
    const body = addContextBody({ metadata: { fileName: 'private-plan.txt' } });
    expect((await sut.call(token, 'POST', `${API}/add`, body)).status).toBe(201);
    expect((await sut.call(token, 'POST', `${API}/add`, body)).status).toBe(409);
    expect((await sut.call(token, 'GET', `${API}/add-async/no-such-job/status`)).status).toBe(404);
    expect((await sut.call(token, 'POST', `${API}/search`, searchBody('pricing'))).status).toBe(202);
    expect((await sut.call(token, 'GET', '/no/such/route/secret-path-part')).status).toBe(404);
    expect((await sut.call(token, 'POST', `${API}/memory/add`, memoryBody('metrics-session', [{ content: 'we ship on Fridays' }]))).status).toBe(201);

    const text = await eventually(async () => {
      const scraped = await scrape();
      return valueOf(scraped, 'recollect_bus_consumer_lag_messages{group="ingestion",topic="memory.changes.v1"}') === 0 ? scraped : undefined;
    });
    const requests = (method: string, route: string, status: number) => valueOf(text, `recollect_http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`);
    expect(requests('POST', `${API}/add`, 201)).toBe(1);
    expect(requests('POST', `${API}/add`, 409)).toBe(1);
    expect(requests('GET', `${API}/add-async/:jobId/status`, 404)).toBe(1);
    expect(requests('POST', `${API}/search`, 202)).toBe(1);
    expect(requests('GET', 'unmatched', 404)).toBe(1);

    // The gateway's waits on the bus: each add asked whether its file name was taken, and only the first sent a command.
    expect(valueOf(text, 'recollect_gateway_request_duration_seconds_count{pattern="context.file-exists.rpc.v1",outcome="answered"}')).toBe(2);
    expect(valueOf(text, 'recollect_gateway_command_duration_seconds_count{topic="context.commands.v1",outcome="stored"}')).toBe(1);
    expect(valueOf(text, 'recollect_gateway_command_duration_seconds_count{topic="memory.commands.v1",outcome="stored"}')).toBe(1);
    expect(valueOf(text, 'recollect_gateway_command_duration_seconds_sum{topic="context.commands.v1",outcome="stored"}')).toBeGreaterThan(0);

    expect(valueOf(text, 'recollect_bus_deliveries_total{topic="context.commands.v1",outcome="handled"}')).toBe(1);
    expect(valueOf(text, 'recollect_ingestion_jobs_total{kind="add",outcome="completed"}')).toBe(1);
    expect(valueOf(text, 'recollect_ingestion_chunks_indexed_total{source="documents"}')).toBeGreaterThan(0);
    expect(valueOf(text, 'recollect_ingestion_chunks_indexed_total{source="memory"}')).toBeGreaterThan(0);
    expect(valueOf(text, 'recollect_bus_consumer_lag_messages{group="ingestion",topic="context.commands.v1"}')).toBe(0);
    expect(valueOf(text, 'recollect_memory_outbox_waiting_changes')).toBe(0);
    expect(valueOf(text, 'recollect_memory_outbox_oldest_change_age_seconds')).toBe(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);

    // Labels name routes and topics, never what a tenant sent.
    for (const clientData of ['metrics-user', 'metrics-org', 'private-plan', 'no-such-job', 'metrics-session', 'secret-path-part', body.source as string]) expect(text).not.toContain(clientData);
  });
});
