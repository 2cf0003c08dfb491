import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pacedLoad, revivePacedResult } from './paced-load';

interface Arrival {
  at: number;
  body: string;
}

let server: Server | undefined;

async function serve(answer: (response: ServerResponse, arrival: Arrival, request: IncomingMessage) => void): Promise<{ url: string; arrivals: Arrival[] }> {
  const arrivals: Arrival[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const arrival = { at: performance.now(), body };
      arrivals.push(arrival);
      answer(response, arrival, request);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, arrivals };
}

/** The request's number within its run: what `__N__` became, after the run's prefix. */
const requestNumber = (body: string): number => Number((JSON.parse(body) as { n: string }).n.split('-').pop());

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

describe('pacedLoad', () => {
  it('spreads the requests over the run instead of sending them in a burst', async () => {
    const { url, arrivals } = await serve((response) => response.end('{}'));
    const before = performance.now();

    const result = await pacedLoad({ url, headers: {}, body: '{"n":"__N__"}', rate: 200, durationSeconds: 1 });

    expect(result.answered).toBe(200);
    expect(arrivals).toHaveLength(200);
    // Request i is never sent before i × 5 ms: 20 at most in the first 100 ms, where a per-second
    // budget spent as fast as answers come (autocannon's rate) would land all 200.
    expect(arrivals.filter(({ at }) => at - before < 100).length).toBeLessThanOrEqual(20);
    expect(arrivals.at(-1)!.at - before).toBeGreaterThanOrEqual(995);
  });

  it('gives every request its own body, and another run other ones', async () => {
    const { url, arrivals } = await serve((response) => response.end('{}'));

    await pacedLoad({ url, headers: {}, body: '{"n":"__N__","file":"__N__.txt"}', rate: 100, durationSeconds: 0.2 });
    await pacedLoad({ url, headers: {}, body: '{"n":"__N__","file":"__N__.txt"}', rate: 100, durationSeconds: 0.2 });

    const bodies = arrivals.map(({ body }) => JSON.parse(body) as { n: string; file: string });
    expect(bodies).toHaveLength(40);
    expect(new Set(bodies.map(({ file }) => file)).size).toBe(40);
    for (const { n, file } of bodies) expect(file).toBe(`${n}.txt`);
  });

  it('counts a wait from when the request was due, even when the generator itself sent it late', async () => {
    const { url } = await serve((response, arrival) => {
      // Holding the shared event loop keeps the generator from sending the requests due meanwhile.
      if (requestNumber(arrival.body) === 0) {
        const until = performance.now() + 400;
        while (performance.now() < until);
      }
      response.end('{}');
    });

    const result = await pacedLoad({ url, headers: {}, body: '{"n":"__N__"}', rate: 100, durationSeconds: 0.5 });

    expect(result.answered).toBe(50);
    // Requests 1 to 39, due 10 to 390 ms in, all went out after the 400 ms hold, each as late as it
    // was due early: counted from when they were sent, the median would be a few milliseconds.
    expect(result.sentLate.max).toBeGreaterThanOrEqual(300);
    expect(result.p50).toBeGreaterThanOrEqual(50);
  });

  it('keeps sending while earlier requests wait', async () => {
    const held: ServerResponse[] = [];
    const { url, arrivals } = await serve((response, arrival) => {
      // The first 10 answers wait until the 20th request has arrived; the others are answered at once.
      if (requestNumber(arrival.body) < 10) held.push(response);
      else response.end('{}');
      if (arrivals.length === 20) for (const waiting of held.splice(0)) waiting.end('{}');
    });

    const result = await pacedLoad({ url, headers: {}, body: '{"n":"__N__"}', rate: 100, durationSeconds: 0.5 });

    expect(result.answered).toBe(50);
    // Request 0 was answered only after the 20th was sent, at least 190 ms after it was due.
    expect(result.max).toBeGreaterThanOrEqual(185);
  });

  it('sends the warm-up first, at the same pace, and reports it apart', async () => {
    const { url, arrivals } = await serve((response, arrival) => {
      // The warm-up's 20 requests are answered after 1 s; the measured ones at once.
      if (requestNumber(arrival.body) < 20) setTimeout(() => response.end('{}'), 1000);
      else response.end('{}');
    });

    const result = await pacedLoad({ url, headers: {}, body: '{"n":"__N__"}', rate: 100, warmUpSeconds: 0.2, durationSeconds: 0.3 });

    expect(arrivals).toHaveLength(50);
    expect(result.warmUp.answered).toBe(20);
    expect(result.warmUp.p50).toBeGreaterThanOrEqual(995);
    expect(result.answered).toBe(30);
    expect(result.max).toBeLessThan(900);
  });

  it('counts answers outside 2xx and failed connections apart, and gives neither a latency', async () => {
    const { url } = await serve((response, arrival) => {
      const number = requestNumber(arrival.body);
      if (number % 5 === 4) response.socket?.destroy();
      else if (number % 2 === 1) response.writeHead(409).end('{}');
      else response.end('{}');
    });

    const result = await pacedLoad({ url, headers: {}, body: '{"n":"__N__"}', rate: 100, durationSeconds: 0.2 });

    // Of 0-19: 4, 9, 14, 19 cut off; the other odd ones answered 409; the other even ones 200.
    expect(result.failed).toBe(4);
    expect(result.non2xx).toBe(8);
    expect(result.answered).toBe(8);
  });

  it('answers no latency at all when nothing was answered', async () => {
    const { url } = await serve((response) => response.writeHead(503).end('{}'));

    const result = await pacedLoad({ url, headers: {}, body: '{"n":"__N__"}', rate: 100, durationSeconds: 0.1 });

    expect(result.answered).toBe(0);
    expect(result.non2xx).toBe(10);
    expect(result.p99).toBeNaN();
    // As the worker hands it over: JSON turns NaN into null, which must not read as 0 ms.
    const handedOver = revivePacedResult(JSON.parse(JSON.stringify(result)));
    expect(handedOver.p99).toBeNaN();
    expect(handedOver.warmUp.sentLate.max).toBeNaN();
    expect(handedOver.non2xx).toBe(10);
  });

  it('refuses a rate or duration that is not positive', () => {
    expect(() => pacedLoad({ url: 'http://127.0.0.1:1/', headers: {}, body: '{}', rate: 0, durationSeconds: 1 })).toThrow(RangeError);
    expect(() => pacedLoad({ url: 'http://127.0.0.1:1/', headers: {}, body: '{}', rate: 10, durationSeconds: -1 })).toThrow(RangeError);
    expect(() => pacedLoad({ url: 'http://127.0.0.1:1/', headers: {}, body: '{}', rate: 10, warmUpSeconds: -1, durationSeconds: 1 })).toThrow(RangeError);
  });
});
