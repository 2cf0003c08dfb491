/** One read of the service's `/metrics`, in Prometheus' text format. */
export type MetricsText = string;

export async function scrapeMetrics(serviceUrl: string): Promise<MetricsText> {
  const response = await fetch(`${serviceUrl}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return response.text();
}

/** How late the service's event loop ran a timer: its waits for the main thread. */
export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** prom-client samples the loop with a timer of this interval (its default) and reports the whole interval. */
const LOOP_SAMPLING_MS = 10;

/** The event-loop delay since the scrape before: prom-client resets its figures at every scrape. */
export function eventLoopDelay(text: MetricsText): EventLoopDelay {
  const beyondSampling = (name: string): number => Math.max(0, seriesValue(text, `nodejs_eventloop_lag_${name}_seconds`) * 1000 - LOOP_SAMPLING_MS);
  return { p50: beyondSampling('p50'), p99: beyondSampling('p99'), max: beyondSampling('max') };
}

/** A histogram's observations between two scrapes: their count, mean, and the bucket bounds that hold the median and the 99th percentile. */
export interface HistogramDelta {
  count: number;
  meanMs: number;
  p50AtMostMs: number;
  p99AtMostMs: number;
}

/** The observations of histogram `name`'s series whose labels include `labels` (`topic="x"`), from `before` to `after`. */
export function histogramDelta(before: MetricsText, after: MetricsText, name: string, labels: string): HistogramDelta {
  const sum = (text: MetricsText, suffix: string) => metricSum(text, `${name}_${suffix}`, labels);
  const count = sum(after, 'count') - sum(before, 'count');
  const meanMs = count > 0 ? ((sum(after, 'sum') - sum(before, 'sum')) / count) * 1000 : 0;
  // Cumulative bucket counts by upper bound, added over the matching series.
  const buckets = new Map<number, number>();
  for (const [text, sign] of [
    [after, 1],
    [before, -1],
  ] as const) {
    for (const [series, value] of seriesOf(text, `${name}_bucket`, labels)) {
      const le = /le="([^"]+)"/.exec(series)![1]!;
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + sign * value);
    }
  }
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const atMost = (share: number): number => {
    const bound = bounds.find((le) => buckets.get(le)! >= share * count);
    return (bound ?? Number.POSITIVE_INFINITY) * 1000;
  };
  return { count, meanMs, p50AtMostMs: atMost(0.5), p99AtMostMs: atMost(0.99) };
}

/** The sum of metric `name`'s series whose label set contains `labels` (a counter or a gauge); 0 when none. */
export function metricSum(text: MetricsText, name: string, labels: string): number {
  return seriesOf(text, name, labels).reduce((total, [, value]) => total + value, 0);
}

function seriesValue(text: MetricsText, series: string): number {
  const match = new RegExp(`^${series} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`GET /metrics has no ${series}`);
  return Number(match[1]);
}

/** Every series of metric `metric` whose label set contains `labels`, with its value. */
function seriesOf(text: MetricsText, metric: string, labels: string): Array<[string, number]> {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) && line.includes(labels))
    .map((line) => {
      const space = line.lastIndexOf(' ');
      return [line.slice(0, space), Number(line.slice(space + 1))];
    });
}
