import { describe, expect, it } from 'vitest';
import { chunkId } from './chunk-id';

describe('chunkId', () => {
  it('is a UUID-shaped string, stable for the same parts', () => {
    const id = chunkId(['tenant-1', 'doc-1', '0']);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(chunkId(['tenant-1', 'doc-1', '0'])).toBe(id);
  });

  it('differs when any part differs, including where the parts are split', () => {
    const ids = [['t', 'd', '0'], ['t', 'd', '1'], ['t', 'e', '0'], ['ab', 'c'], ['a', 'bc'], ['abc'], []].map(chunkId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
