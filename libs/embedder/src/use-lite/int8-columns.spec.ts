import { describe, expect, it } from 'vitest';
import { INT8_WEIGHT_LEVELS, quantizeColumns } from './int8-columns';

describe('quantizeColumns', () => {
  it('maps each column’s largest magnitude to ±63 with a scale of its own', () => {
    // 2 rows × 3 columns, row-major.
    const { values, scales } = quantizeColumns(Float32Array.of(0.25, -2, 0.005, -1, 0.5, 0.02), 2, 3);
    expect(INT8_WEIGHT_LEVELS).toBe(63);
    expect([...scales]).toEqual([Math.fround(1 / 63), Math.fround(2 / 63), Math.fround(0.02 / 63)]);
    expect([...values]).toEqual([16, -63, 16, -63, 16, 63]);
  });

  it('gets every value back to within half its column’s scale, and never past ±63', () => {
    const rows = 7;
    const columns = 5;
    const matrix = Float32Array.from({ length: rows * columns }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % columns) - 2));
    const { values, scales } = quantizeColumns(matrix, rows, columns);
    matrix.forEach((value, i) => expect(Math.abs(values[i]! * scales[i % columns]! - value)).toBeLessThanOrEqual(scales[i % columns]! / 2 + 1e-7));
    expect(Math.max(...values.map(Math.abs))).toBe(63);
  });

  it('leaves a column of zeros, or of values too small for a float scale, at zero with scale 1', () => {
    // Column 0 holds 0 and ±1e-44 (subnormal: a 63rd of it is 0 in float32), column 1 holds 3, 0 and -3.
    const { values, scales } = quantizeColumns(Float32Array.of(0, 3, 1e-44, 0, -1e-44, -3), 3, 2);
    expect([...values]).toEqual([0, 63, 0, 0, 0, -63]);
    expect(scales[0]).toBe(1);
  });

  it('refuses a weight that is not finite, and a matrix whose size is not rows × columns', () => {
    expect(() => quantizeColumns(Float32Array.of(1, Number.NaN), 1, 2)).toThrow(/column 1 is NaN/);
    expect(() => quantizeColumns(Float32Array.of(Number.POSITIVE_INFINITY, 1), 2, 1)).toThrow(/only finite/);
    expect(() => quantizeColumns(new Float32Array(5), 2, 3)).toThrow(/2 × 3/);
  });
});
