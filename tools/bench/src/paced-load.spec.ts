import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pacedLoad } from './paced-load';

interface Arrival {
  at: number;
  body: string;
}

let server: Server | undefined;

async function serve(answer: (request: IncomingMessage, response: ServerResponse, arrival: Arrival) => void): Promise<{ url: string; arrivals: Arrival[] }> {
  const arrivals: Arrival[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const arrival = { at: performance.now(), body };
      arrivals.push(arrival);
      answer(request, response, arrival);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, arrivals };
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

describe('pacedLoad', () => {
  it('spreads the requests over the run instead of sending them in a burst', async () => {
    const { url, arrivals } = await serve((_request, response) => response.end('{}'));

    const result = await pacedLoad({ url, headers: {}, body: '{"n":"__N__"}', rate: 200, durationSeconds: 1 });

    expect(result.total).toBe(200);
    expect(arrivals).toHaveLength(200);
    // A per-second budget sent as fast as answers come (autocannon's rate) would land all 200 in the
    // first few milliseconds; paced, the first 100 ms hold about 20, and the last arrives near the end.
    const first = arrivals[0]!.at;
    expect(arrivals.filter(({ at }) => at - first < 100).length).toBeLessThan(60);
    expect(arrivals.at(-1)!.at - first).toBeGreaterThan(900);
  });

  it('gives every request its own body', async () => {
    const { url, arrivals } = await serve((_request, response) => response.end('{}'));

    await pacedLoad({ url, headers: {}, body: '{"source":"s-__N__","file":"__N__.txt"}', rate: 100, durationSeconds: 0.2 });

    const bodies = arrivals.map(({ body }) => JSON.parse(body) as { source: string; file: string });
    expect(new Set(bodies.map(({ source }) => source)).size).toBe(bodies.length);
    for (const { source, file } of bodies) expect(source).toBe(`s-${file.replace('.txt', '')}`);
  });

  it('keeps sending while earlier requests wait, and counts their wait from when each was due', async () => {
    const held: ServerResponse[] = [];
    const { url, arrivals } = await serve((_request, response) => {
      // The first 10 answers wait until the 20th request has arrived; the others are answered at once.
      if (arrivals.length <= 10) held.push(response);
      else response.end('{}');
      if (arrivals.length === 20) for (const waiting of held.splice(0)) waiting.end('{}');
    });

    const result = await pacedLoad({ url, headers: {}, body: '{}', rate: 100, durationSeconds: 0.5 });

    expect(result.total).toBe(50);
    // The first request was due at the start and answered after the 20th was sent, 190 ms later.
    expect(result.max).toBeGreaterThanOrEqual(185);
    expect(result.p50).toBeLessThan(result.max);
  });

  it('counts answers outside 2xx and failed connections', async () => {
    let answered = 0;
    const { url } = await serve((_request, response) => {
      answered += 1;
      if (answered % 5 === 0) response.socket?.destroy();
      else if (answered % 2 === 0) response.writeHead(503).end('{}');
      else response.end('{}');
    });

    const result = await pacedLoad({ url, headers: {}, body: '{}', rate: 100, durationSeconds: 0.2 });

    expect(result.errors).toBe(4);
    expect(result.total).toBe(16);
    expect(result.non2xx).toBe(8);
  });

  it('sends the warm-up first, at the same pace, and reports it apart', async () => {
    const { url, arrivals } = await serve((_request, response) => {
      // The warm-up's 20 requests are answered after 400 ms; the measured ones at once.
      if (arrivals.length <= 20) setTimeout(() => response.end('{}'), 400);
      else response.end('{}');
    });

    const result = await pacedLoad({ url, headers: {}, body: '{}', rate: 100, warmUpSeconds: 0.2, durationSeconds: 0.3 });

    expect(arrivals).toHaveLength(50);
    expect(result.warmUp.total).toBe(20);
    expect(result.warmUp.p50).toBeGreaterThanOrEqual(395);
    expect(result.total).toBe(30);
    expect(result.max).toBeLessThan(395);
  });

  it('refuses a rate or duration that is not positive', () => {
    expect(() => pacedLoad({ url: 'http://127.0.0.1:1/', headers: {}, body: '{}', rate: 0, durationSeconds: 1 })).toThrow(RangeError);
    expect(() => pacedLoad({ url: 'http://127.0.0.1:1/', headers: {}, body: '{}', rate: 10, durationSeconds: -1 })).toThrow(RangeError);
    expect(() => pacedLoad({ url: 'http://127.0.0.1:1/', headers: {}, body: '{}', rate: 10, warmUpSeconds: -1, durationSeconds: 1 })).toThrow(RangeError);
  });
});
