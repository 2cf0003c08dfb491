/**
 * One 0..1 score for both index adapters. Cosine similarity carries the meaning; BM25 is squashed
 * with a saturating curve (not normalised per result list) so a score means the same across queries.
 */
export const LEXICAL_WEIGHT = 0.3;
const BM25_HALF_SATURATION = 4;

export function squashBm25(bm25: number): number {
  return bm25 <= 0 ? 0 : bm25 / (bm25 + BM25_HALF_SATURATION);
}

export function hybridScore(cosine: number, bm25: number): number {
  return (1 - LEXICAL_WEIGHT) * cosine + LEXICAL_WEIGHT * squashBm25(bm25);
}
