/** How late the service's event loop ran a 10 ms timer: prom-client's figures, which each scrape of /metrics resets. */
export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** prom-client samples the loop with a timer of this interval (its default) and reports the whole interval. */
const SAMPLING_MS = 10;

/** Reads (and so resets) the service's event-loop delay since the last read: the time a request arriving then waited for the main thread. */
export async function readEventLoopDelay(serviceUrl: string): Promise<EventLoopDelay> {
  const response = await fetch(`${serviceUrl}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  const beyondSampling = (name: string): number => {
    const match = new RegExp(`^nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text);
    if (!match) throw new Error(`GET /metrics has no nodejs_eventloop_lag_${name}_seconds`);
    return Math.max(0, Number(match[1]) * 1000 - SAMPLING_MS);
  };
  return { p50: beyondSampling('p50'), p99: beyondSampling('p99'), max: beyondSampling('max') };
}
