import { describe, expect, it } from 'vitest';
import { trueCoordinates } from './use-lite-graph';

describe('trueCoordinates (TensorFlow Where with one input)', () => {
  it('lists the coordinates of non-zero elements in row-major order', () => {
    const { coordinates, rows } = trueCoordinates([2, 3], [0, 1, 0, 1, 1, 0]);
    expect(rows).toBe(3);
    expect([...coordinates]).toEqual([0, 1, 1, 0, 1, 1]);
  });

  it('gives one coordinate per element of a vector, and none when nothing holds', () => {
    expect([...trueCoordinates([4], [1, 0, 0, 7]).coordinates]).toEqual([0, 3]);
    expect(trueCoordinates([2, 2], [0, 0, 0, 0])).toEqual({ coordinates: new Int32Array(0), rows: 0 });
  });

  it('counts NaN as true, as casting to bool does', () => {
    expect(trueCoordinates([3], [Number.NaN, 0, -1]).rows).toBe(2);
  });

  it('handles three dimensions', () => {
    const values = new Array<number>(2 * 3 * 4).fill(0);
    values[1 * 12 + 2 * 4 + 3] = 1;
    expect([...trueCoordinates([2, 3, 4], values).coordinates]).toEqual([1, 2, 3]);
  });
});
