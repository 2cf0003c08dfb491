import type { FastifyInstance } from 'fastify';
import { httpRequestDuration, renderMetrics } from '@recollect/metrics';

/**
 * Times every answered request by its route pattern (`/api/v1/context/add-async/:jobId/status`, not
 * the job id) and, if asked, serves `GET /metrics` for Prometheus, outside the API's authentication as
 * the health routes are: no label carries client data.
 */
export function timeRequests(fastify: FastifyInstance, { serveMetrics }: { serveMetrics: boolean }): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  if (!serveMetrics) return;
  fastify.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await renderMetrics();
    return reply.type(contentType).send(body);
  });
}
