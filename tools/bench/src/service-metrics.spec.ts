import { describe, expect, it } from 'vitest';
import { eventLoopDelay, histogramDelta, metricSum } from './service-metrics';

const scrape = (stored: number[], refused: number[], sums: [number, number]) =>
  [
    '# HELP recollect_gateway_command_duration_seconds time',
    '# TYPE recollect_gateway_command_duration_seconds histogram',
    ...['0.001', '0.005', '0.025', '+Inf'].map(
      (le, i) => `recollect_gateway_command_duration_seconds_bucket{le="${le}",topic="context.commands.v1",outcome="stored"} ${stored[i]}`,
    ),
    `recollect_gateway_command_duration_seconds_sum{topic="context.commands.v1",outcome="stored"} ${sums[0]}`,
    `recollect_gateway_command_duration_seconds_count{topic="context.commands.v1",outcome="stored"} ${stored[3]}`,
    ...['0.001', '0.005', '0.025', '+Inf'].map(
      (le, i) => `recollect_gateway_command_duration_seconds_bucket{le="${le}",topic="context.commands.v1",outcome="refused"} ${refused[i]}`,
    ),
    `recollect_gateway_command_duration_seconds_sum{topic="context.commands.v1",outcome="refused"} ${sums[1]}`,
    `recollect_gateway_command_duration_seconds_count{topic="context.commands.v1",outcome="refused"} ${refused[3]}`,
    'nodejs_eventloop_lag_p50_seconds 0.0103',
    'nodejs_eventloop_lag_p99_seconds 0.024',
    'nodejs_eventloop_lag_max_seconds 0.031',
  ].join('\n');

describe(histogramDelta.name, () => {
  it('takes the observations between two scrapes, of the matching series only', () => {
    const before = scrape([1, 2, 2, 2], [0, 0, 0, 5], [0.004, 1]);
    // 100 more stored: 10 within 1 ms, 88 more within 5 ms, 1 more within 25 ms, 1 over.
    const after = scrape([11, 100, 101, 102], [0, 0, 0, 9], [0.404, 2]);
    expect(histogramDelta(before, after, 'recollect_gateway_command_duration_seconds', 'outcome="stored"')).toEqual({
      count: 100,
      meanMs: 4,
      p50AtMostMs: 5,
      p99AtMostMs: 25,
    });
    expect(histogramDelta(before, after, 'recollect_gateway_command_duration_seconds', 'outcome="refused"')).toMatchObject({
      count: 4,
      p50AtMostMs: Number.POSITIVE_INFINITY,
    });
  });

  it('says nothing happened when nothing did', () => {
    const same = scrape([1, 2, 2, 2], [0, 0, 0, 0], [0.004, 0]);
    expect(histogramDelta(same, same, 'recollect_gateway_command_duration_seconds', 'outcome="stored"')).toMatchObject({ count: 0, meanMs: 0 });
  });
});

describe(eventLoopDelay.name, () => {
  it("reads prom-client's figures less its 10 ms sampling interval, never below zero", () => {
    const delay = eventLoopDelay(scrape([0, 0, 0, 0], [0, 0, 0, 0], [0, 0]));
    expect(delay.p50).toBeCloseTo(0.3, 6);
    expect(delay.p99).toBeCloseTo(14, 6);
    expect(delay.max).toBeCloseTo(21, 6);
    expect(eventLoopDelay('nodejs_eventloop_lag_p50_seconds 0.009\nnodejs_eventloop_lag_p99_seconds 0.01\nnodejs_eventloop_lag_max_seconds 0.01').p50).toBe(0);
  });
});

describe(metricSum.name, () => {
  const text = [
    '# TYPE recollect_bus_consumer_lag_messages gauge',
    'recollect_bus_consumer_lag_messages{group="ingestion",topic="context.commands.v1"} 1200',
    'recollect_bus_consumer_lag_messages{group="memory",topic="context.commands.v1"} 7',
    'recollect_bus_consumer_lag_messages{group="ingestion",topic="memory.events.v1"} 30',
  ].join('\n');

  it('adds the series whose labels match, and only those', () => {
    expect(metricSum(text, 'recollect_bus_consumer_lag_messages', 'group="ingestion",topic="context.commands.v1"')).toBe(1200);
    expect(metricSum(text, 'recollect_bus_consumer_lag_messages', 'topic="context.commands.v1"')).toBe(1207);
  });

  it('is 0 for a metric or labels it does not find', () => {
    expect(metricSum(text, 'recollect_ingestion_jobs_total', 'kind="add"')).toBe(0);
    expect(metricSum(text, 'recollect_bus_consumer_lag_messages', 'group="query"')).toBe(0);
  });
});
