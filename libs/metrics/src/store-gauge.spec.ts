import { describe, expect, it } from 'vitest';
import { metricsRegistry } from './registry';
import { StoreGauge } from './store-gauge';

const valuesOf = async (name: string) => (await metricsRegistry.getSingleMetric(name)!.get()).values.map(({ labels, value }) => [labels, value]);

describe(StoreGauge.name, () => {
  it("reads every running service's values at each scrape, leaves out a reader that fails, and forgets one removed", async () => {
    const gauge = new StoreGauge('test_store_gauge_backlog', 'a backlog', ['topic'] as const);
    let waiting = 3;
    const removeFirst = gauge.addReader(async (set) => set({ topic: 'a' }, waiting));
    gauge.addReader(async (set) => set({ topic: 'b' }, 7));
    gauge.addReader(async () => {
      throw new Error('database down');
    });
    expect(await valuesOf('test_store_gauge_backlog')).toEqual([
      [{ topic: 'a' }, 3],
      [{ topic: 'b' }, 7],
    ]);

    waiting = 0;
    expect(await valuesOf('test_store_gauge_backlog')).toEqual([
      [{ topic: 'a' }, 0],
      [{ topic: 'b' }, 7],
    ]);
    removeFirst();
    expect(await valuesOf('test_store_gauge_backlog')).toEqual([[{ topic: 'b' }, 7]]);
    expect(await metricsRegistry.metrics()).toContain('test_store_gauge_backlog{topic="b"} 7');
  });
});
