import type { Env } from '@recollect/config';

/**
 * One 0..1 score that means the same on every index adapter. Cosine similarity is already 0..1.
 * BM25 is not, and engines scale it differently (Lucene drops BM25's constant k1 + 1 factor), so
 * it enters as its share of the best BM25 score of the same query: a ratio both engines agree on.
 * This is OpenSearch's min-max normalisation with the minimum pinned at 0, so the weakest match of
 * a query still counts for something.
 */
export interface SearchScoring {
  /** Weight of the lexical share in `standard` mode; the cosine gets the rest. */
  lexicalWeight: number;
  /** A title match counts this much on top of the same match in the text. */
  titleBoost: number;
  /**
   * The part of the lexical share that word adjacency takes (see word-adjacency.ts), for queries of
   * two or more content words when some candidate has a pair of them side by side; BM25 keeps the rest.
   */
  adjacencyWeight: number;
  /**
   * Memory retrieval: the share of the distance to 1 a message gains when the query names its speaker
   * ("What does Melanie like?" is about what Melanie said). 0 turns it off.
   */
  speakerBoost: number;
}

export const SEARCH_SCORING = Symbol('SEARCH_SCORING');

/**
 * Measured on SciFact and LoCoMo (docs/EVAL.md): equal weights sit on a flat optimum for both, and
 * so does an adjacency weight of 0.06 to 0.1. The speaker boost is off: it finds more evidence for
 * questions that name the right speaker, and hides it from questions that name the wrong one.
 */
export const DEFAULT_SCORING: SearchScoring = { lexicalWeight: 0.5, titleBoost: 0, adjacencyWeight: 0.08, speakerBoost: 0 };

/** The defaults, with whatever the deployment sets over them. */
export function scoringWith(overrides: Partial<SearchScoring> = {}): SearchScoring {
  return {
    lexicalWeight: overrides.lexicalWeight ?? DEFAULT_SCORING.lexicalWeight,
    titleBoost: overrides.titleBoost ?? DEFAULT_SCORING.titleBoost,
    adjacencyWeight: overrides.adjacencyWeight ?? DEFAULT_SCORING.adjacencyWeight,
    speakerBoost: overrides.speakerBoost ?? DEFAULT_SCORING.speakerBoost,
  };
}

type ScoringEnv = Pick<Env, 'SEARCH_LEXICAL_WEIGHT' | 'SEARCH_TITLE_BOOST' | 'SEARCH_ADJACENCY_WEIGHT' | 'SEARCH_SPEAKER_BOOST'>;

/** What the deployment sets: SEARCH_LEXICAL_WEIGHT, SEARCH_TITLE_BOOST, SEARCH_ADJACENCY_WEIGHT and SEARCH_SPEAKER_BOOST, each optional. */
export function scoringFromEnv(env: ScoringEnv): Partial<SearchScoring> {
  return {
    lexicalWeight: env.SEARCH_LEXICAL_WEIGHT,
    titleBoost: env.SEARCH_TITLE_BOOST,
    adjacencyWeight: env.SEARCH_ADJACENCY_WEIGHT,
    speakerBoost: env.SEARCH_SPEAKER_BOOST,
  };
}

export function lexicalShare(bm25: number, bestBm25: number): number {
  return bm25 > 0 && bestBm25 > 0 ? Math.min(1, bm25 / bestBm25) : 0;
}

/**
 * The lexical side of a document: its BM25 share, of which its adjacency share (its adjacency score
 * over the best of the query's candidates) takes `adjacencyWeight`. `null` when no candidate has two
 * query words side by side, or the query has no two content words: then BM25 alone, as before.
 */
export function lexicalEvidence(scoring: SearchScoring, bm25Share: number, adjacencyShare: number | null): number {
  return adjacencyShare === null ? bm25Share : (1 - scoring.adjacencyWeight) * bm25Share + scoring.adjacencyWeight * adjacencyShare;
}

export function fusedScore(scoring: SearchScoring, cosine: number, lexical: number): number {
  return (1 - scoring.lexicalWeight) * cosine + scoring.lexicalWeight * lexical;
}

/** Moves a 0..1 score a share `boost` of the way to 1: order among boosted hits is kept, and the score stays in 0..1. */
export function boostedScore(score: number, boost: number): number {
  return score + boost * (1 - score);
}
