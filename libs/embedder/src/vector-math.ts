/** Copies `values` into a unit-length Float32Array; throws on a zero or non-finite norm because such a vector cannot be ranked by cosine. */
export function l2Normalize(values: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(values);
  let sumOfSquares = 0;
  for (const x of out) sumOfSquares += x * x;
  const norm = Math.sqrt(sumOfSquares);
  if (!Number.isFinite(norm) || norm === 0) throw new Error(`Cannot normalise a vector with norm ${norm}`);
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/** Dot product; equals cosine similarity for unit vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`Vector lengths differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
