import { createServer, type Server } from 'node:http';
import { renderMetrics } from '@recollect/metrics';

export type HealthChecks = () => Promise<Record<string, boolean>>;

/**
 * The Kafka microservices have no HTTP surface, so probes get a small one: `/health/live` answers
 * while the process runs, `/health/ready` answers 200 only while every check passes (503 otherwise),
 * and `/metrics` serves Prometheus.
 */
export async function startHealthServer(port: number, host: string, ready: HealthChecks): Promise<Server> {
  const server = createServer((request, response) => {
    const reply = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.url === '/health/live') return reply(200, { status: 'ok' });
    if (request.url === '/metrics') {
      return void renderMetrics().then(
        ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
        () => reply(500, { status: 'metrics unavailable' }),
      );
    }
    if (request.url !== '/health/ready') return reply(404, { status: 'not found' });
    ready().then(
      (checks) => {
        const ok = Object.values(checks).every(Boolean);
        reply(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks });
      },
      () => reply(503, { status: 'unavailable' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
