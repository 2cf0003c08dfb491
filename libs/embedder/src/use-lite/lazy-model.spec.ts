import { describe, expect, it, vi } from 'vitest';
import { LazyModel } from './lazy-model';

describe(LazyModel.name, () => {
  it('loads once for every caller', async () => {
    const load = vi.fn(async () => ({ weights: 1 }));
    const sut = new LazyModel(load);
    const [a, b] = await Promise.all([sut.get(), sut.get()]);
    expect(a).toBe(b);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets a failed load, so the next call tries again', async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error('disk busy')).mockResolvedValueOnce('model');
    const sut = new LazyModel<string>(load);
    await expect(sut.get()).rejects.toThrow('disk busy');
    await expect(sut.get()).resolves.toBe('model');
  });

  it('releases the loaded model on close and loads afresh afterwards; a close before any load releases nothing', async () => {
    const release = vi.fn();
    let loads = 0;
    const sut = new LazyModel(async () => ++loads);
    await sut.close(release);
    expect(release).not.toHaveBeenCalled();
    await sut.get();
    await sut.close(release);
    expect(release).toHaveBeenCalledWith(1);
    await expect(sut.get()).resolves.toBe(2);
  });
});
