import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from './partitioner';

describe('partitioner', () => {
  it('matches the Kafka Java client murmur2 (UtilsTest.testMurmur2 vectors)', () => {
    const vectors: Record<string, number> = {
      '21': -973932308,
      foobar: -790332482,
      'a-little-bit-long-string': -985981536,
      'a-little-bit-longer-string': -1486304829,
      lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8: -58897971,
      abc: 479470107,
    };
    for (const [key, hash] of Object.entries(vectors)) expect(murmur2(Buffer.from(key)), key).toBe(hash);
  });

  it('maps a key to a stable partition within range', () => {
    for (const key of ['a', 'tenant/42', 'ünïcødé', '']) {
      const partition = partitionForKey(key, 8);
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(8);
      expect(partitionForKey(key, 8)).toBe(partition);
    }
  });
});
