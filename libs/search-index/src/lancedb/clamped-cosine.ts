/**
 * Cosine similarity clamped to 0..1, the port's score for a vector hit: what LanceDB's cosine distance
 * gives (1 - distance), computed here for chunks scored outside the engine. 0 when either vector is zero.
 */
export function clampedCosine(query: ArrayLike<number>, stored: ArrayLike<number>): number {
  let dot = 0;
  let queryNorm = 0;
  let storedNorm = 0;
  for (let i = 0; i < query.length; i += 1) {
    const q = query[i]!;
    const s = stored[i]!;
    dot += q * s;
    queryNorm += q * q;
    storedNorm += s * s;
  }
  const similarity = dot / Math.sqrt(queryNorm * storedNorm);
  return Number.isFinite(similarity) ? Math.min(1, Math.max(0, similarity)) : 0;
}
