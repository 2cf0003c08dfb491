import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricsRegistry } from './registry';
import { StoreGauge } from './store-gauge';

const valuesOf = async (name: string) => (await metricsRegistry.getSingleMetric(name)!.get()).values.map(({ labels, value }) => [labels, value]);

describe(StoreGauge.name, () => {
  afterEach(() => vi.useRealTimers());

  it("reads every running service's values, leaves out a reader that fails, and forgets one removed", async () => {
    const gauge = new StoreGauge('test_store_gauge_backlog', 'a backlog', ['topic'] as const);
    const removeFirst = gauge.addReader(async (set) => set({ topic: 'a' }, 3));
    gauge.addReader(async (set) => set({ topic: 'b' }, 7));
    gauge.addReader(async () => {
      throw new Error('database down');
    });
    expect(await valuesOf('test_store_gauge_backlog')).toEqual([
      [{ topic: 'a' }, 3],
      [{ topic: 'b' }, 7],
    ]);
    removeFirst();
    expect(await valuesOf('test_store_gauge_backlog')).toEqual([[{ topic: 'b' }, 7]]);
    expect(await metricsRegistry.metrics()).toContain('test_store_gauge_backlog{topic="b"} 7');
  });

  it('reads the store once for scrapes that overlap or follow within 5 s, and again after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const gauge = new StoreGauge('test_store_gauge_reads', 'reads', [] as const);
    let reads = 0;
    gauge.addReader(async (set) => set({}, ++reads));
    const overlapping = await Promise.all([valuesOf('test_store_gauge_reads'), valuesOf('test_store_gauge_reads')]);
    expect(overlapping).toEqual([[[{}, 1]], [[{}, 1]]]);
    vi.advanceTimersByTime(4_000);
    expect(await valuesOf('test_store_gauge_reads')).toEqual([[{}, 1]]);
    vi.advanceTimersByTime(1_000);
    expect(await valuesOf('test_store_gauge_reads')).toEqual([[{}, 2]]);
    expect(reads).toBe(2);
  });
});
