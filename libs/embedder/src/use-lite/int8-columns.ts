/** A float matrix as signed bytes, each column with its own scale: value ≈ byte × scale of its column. */
export interface Int8Columns {
  values: Int8Array;
  scales: Float32Array;
}

/**
 * Byte values a weight may take, ±63: seven bits. On x86 cores without VNNI, ONNX Runtime's kernel
 * for uint8 × int8 products adds pairs of products into 16-bit sums, which saturate past 32767; an
 * input byte of 255 by a weight of ±127, twice, would overflow, ±63 cannot (2 × 255 × 63 = 32130).
 * So every host computes the same exact integer products, and the same vectors.
 */
export const INT8_WEIGHT_LEVELS = 63;

/**
 * Symmetric per-column quantisation of a row-major `rows` × `columns` matrix: each column's largest
 * magnitude maps to ±INT8_WEIGHT_LEVELS, so no weight is clipped and each is off by at most half its
 * column's scale. Per column, because one output unit's weights share a range far better than the
 * whole matrix does.
 */
export function quantizeColumns(matrix: Float32Array, rows: number, columns: number): Int8Columns {
  if (matrix.length !== rows * columns) throw new RangeError(`a ${rows} × ${columns} matrix has ${rows * columns} values, not ${matrix.length}`);
  const scales = new Float32Array(columns);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      const value = matrix[row * columns + column]!;
      if (!Number.isFinite(value)) throw new RangeError(`row ${row}, column ${column} is ${value}; only finite weights can be quantised`);
      scales[column] = Math.max(scales[column]!, Math.abs(value));
    }
  }
  // A column with nothing but zeros (or values too small for a float scale) keeps scale 1 and bytes of 0.
  for (let column = 0; column < columns; column += 1) {
    const scale = Math.fround(scales[column]! / INT8_WEIGHT_LEVELS);
    scales[column] = scale > 0 ? scale : 1;
  }
  const values = new Int8Array(matrix.length);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      // The scale is rounded to float32, so a column's largest value can land a hair past the last level.
      const level = Math.round(matrix[row * columns + column]! / scales[column]!);
      values[row * columns + column] = Math.max(-INT8_WEIGHT_LEVELS, Math.min(INT8_WEIGHT_LEVELS, level));
    }
  }
  return { values, scales };
}
