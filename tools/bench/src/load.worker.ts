import autocannon from 'autocannon';

export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  /** A body template; `__N__` is replaced by a counter, prefixed per run, so every request of every run is distinct. */
  body: string;
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** Runs in a child process so the load generator never shares an event loop with what it measures. */
async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]!) as LoadRequest;
  // Runs against one service share its data: without the prefix, a later run would repeat file names and get 409s.
  const run = process.pid.toString(36);
  let counter = 0;
  const result = await autocannon({
    url: request.url,
    method: 'POST',
    headers: request.headers,
    connections: request.connections,
    duration: request.durationSeconds,
    requests: [{ setupRequest: (req) => ({ ...req, body: request.body.replace(/__N__/g, `${run}-${(counter += 1)}`) }) }],
  });
  const output: LoadResult = {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

void main();
