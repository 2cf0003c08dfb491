/** Retrieval metrics over ranked id lists. Relevance is graded (0 = not relevant); ids not judged count as 0. */
export type Judgements = ReadonlyMap<string, number>;

/** nDCG@k with linear gains (BEIR, trec_eval `ndcg_cut`); 0 when nothing is relevant. */
export function ndcgAt(ranked: readonly string[], judgements: Judgements, k: number): number {
  const gains = [...judgements.values()].filter((gain) => gain > 0).sort((a, b) => b - a);
  const ideal = discountedGain(gains.slice(0, k));
  if (ideal === 0) return 0;
  return discountedGain(topUnique(ranked, k).map((id) => Math.max(0, judgements.get(id) ?? 0))) / ideal;
}

/** The fraction of relevant ids found in the first k; 0 when nothing is relevant. */
export function recallAt(ranked: readonly string[], relevant: Iterable<string>, k: number): number {
  const wanted = new Set(relevant);
  if (wanted.size === 0) return 0;
  return topUnique(ranked, k).filter((id) => wanted.has(id)).length / wanted.size;
}

/** 1 when any relevant id is in the first k, else 0. */
export function hitAt(ranked: readonly string[], relevant: Iterable<string>, k: number): number {
  const wanted = new Set(relevant);
  return topUnique(ranked, k).some((id) => wanted.has(id)) ? 1 : 0;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Three decimals: what the reports print. */
export const round = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * LoCoMo evidence ids as `D<session>:<turn>`. Some strings hold several ids ("D8:6; D9:17") or
 * zero-padded turns ("D30:05"); anything else that is not an id is dropped. Order kept, no repeats.
 */
export function normaliseEvidence(evidence: readonly unknown[]): string[] {
  const ids = new Set<string>();
  for (const entry of evidence) {
    for (const match of String(entry).matchAll(/D\s*(\d+)\s*:\s*(\d+)/gi)) ids.add(`D${Number(match[1])}:${Number(match[2])}`);
  }
  return [...ids];
}

/** The first k distinct ids: a ranking that repeats an id must not count it twice. */
function topUnique(ranked: readonly string[], k: number): string[] {
  return [...new Set(ranked)].slice(0, k);
}

function discountedGain(gains: readonly number[]): number {
  return gains.reduce((sum, gain, rank) => sum + gain / Math.log2(rank + 2), 0);
}
