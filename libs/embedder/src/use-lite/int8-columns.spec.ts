import { describe, expect, it } from 'vitest';
import { quantizeColumns } from './int8-columns';

describe('quantizeColumns', () => {
  it('maps each column’s largest magnitude to ±127 with a scale of its own', () => {
    // 2 rows × 3 columns, row-major.
    const { values, scales } = quantizeColumns(Float32Array.of(0.25, -2, 0.005, -1, 0.5, 0.02), 2, 3);
    expect([...scales]).toEqual([Math.fround(1 / 127), Math.fround(2 / 127), Math.fround(0.02 / 127)]);
    expect([...values]).toEqual([32, -127, 32, -127, 32, 127]);
  });

  it('gets every value back to within half its column’s scale', () => {
    const rows = 7;
    const columns = 5;
    const matrix = Float32Array.from({ length: rows * columns }, (_, i) => Math.sin(i * 1.7) * (1 + (i % columns)));
    const { values, scales } = quantizeColumns(matrix, rows, columns);
    matrix.forEach((value, i) => expect(Math.abs(values[i]! * scales[i % columns]! - value)).toBeLessThanOrEqual(scales[i % columns]! / 2 + 1e-7));
  });

  it('leaves an all-zero column at zero with scale 1', () => {
    const { values, scales } = quantizeColumns(Float32Array.of(0, 3, 0, -3), 2, 2);
    expect([...values]).toEqual([0, 127, 0, -127]);
    expect(scales[0]).toBe(1);
  });

  it('refuses a matrix whose size is not rows × columns', () => {
    expect(() => quantizeColumns(new Float32Array(5), 2, 3)).toThrow(/2 × 3/);
  });
});
