/** A float matrix as signed bytes, each column with its own scale: value ≈ byte × scale of its column. */
export interface Int8Columns {
  values: Int8Array;
  scales: Float32Array;
}

/**
 * Symmetric per-column quantisation of a row-major `rows` × `columns` matrix: each column's largest
 * magnitude maps to 127, so no weight is clipped and each is off by at most half its column's scale.
 * Per column, because one output unit's weights share a range far better than the whole matrix does.
 */
export function quantizeColumns(matrix: Float32Array, rows: number, columns: number): Int8Columns {
  if (matrix.length !== rows * columns) throw new RangeError(`a ${rows} × ${columns} matrix has ${rows * columns} values, not ${matrix.length}`);
  const scales = new Float32Array(columns);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) scales[column] = Math.max(scales[column]!, Math.abs(matrix[row * columns + column]!));
  }
  // An all-zero column keeps scale 1, so its bytes are 0 rather than 0 / 0.
  for (let column = 0; column < columns; column += 1) scales[column] = scales[column]! > 0 ? scales[column]! / 127 : 1;
  const values = new Int8Array(matrix.length);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) values[row * columns + column] = Math.round(matrix[row * columns + column]! / scales[column]!);
  }
  return { values, scales };
}
