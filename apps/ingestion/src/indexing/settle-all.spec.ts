import { describe, expect, it } from 'vitest';
import { settleAll } from './settle-all';

describe(settleAll.name, () => {
  it('waits for every write before throwing the first failure', async () => {
    let finishSlow!: () => void;
    const slow = new Promise<void>((resolve) => (finishSlow = resolve));
    let settled = false;
    const all = settleAll([Promise.reject(new Error('documents refused')), slow]).finally(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    finishSlow();
    await expect(all).rejects.toThrow('documents refused');
  });

  it('resolves when every write does, skipping writes that were never started', async () => {
    await expect(settleAll([undefined, Promise.resolve(), Promise.resolve(3)])).resolves.toBeUndefined();
  });
});
