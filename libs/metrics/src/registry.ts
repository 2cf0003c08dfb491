import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per process, whichever services run in it (the embedded mode runs all four): each
 * metric is defined once, here or beside it in this package, and services add to it.
 */
export const metricsRegistry = new Registry();

// CPU, memory, event-loop lag, GC and handles, under the names every Node.js dashboard expects.
collectDefaultMetrics({ register: metricsRegistry });

/** The Prometheus text exposition of every metric, as `GET /metrics` answers it. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
