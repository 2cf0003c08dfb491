import { describe, expect, it } from 'vitest';
import { hitAt, mean, ndcgAt, normaliseEvidence, recallAt } from './metrics';

const judged = (...pairs: Array<[string, number]>) => new Map(pairs);

describe('ndcgAt', () => {
  it('is 1 for an ideal ranking and 0 when nothing relevant is ranked', () => {
    expect(ndcgAt(['a', 'b', 'x'], judged(['a', 1], ['b', 1]), 10)).toBe(1);
    expect(ndcgAt(['x', 'y'], judged(['a', 1]), 10)).toBe(0);
    expect(ndcgAt(['a'], judged(), 10)).toBe(0);
  });

  it('discounts by log2 of the rank, against the ideal over all judged documents', () => {
    // One relevant document at rank 3: (1 / log2 4) / (1 / log2 2) = 0.5.
    expect(ndcgAt(['x', 'y', 'a'], judged(['a', 1]), 10)).toBeCloseTo(0.5, 10);
    // Two relevant, one found at rank 1: 1 / (1 + 1 / log2 3).
    expect(ndcgAt(['a', 'x'], judged(['a', 1], ['b', 1]), 10)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 10);
  });

  it('uses graded gains and ignores what lies past k, negative grades and repeated ids', () => {
    expect(ndcgAt(['b', 'a'], judged(['a', 2], ['b', 1]), 10)).toBeCloseTo((1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3)), 10);
    expect(ndcgAt(['x', 'a'], judged(['a', 1]), 1)).toBe(0);
    expect(ndcgAt(['n', 'a'], judged(['a', 1], ['n', -1]), 10)).toBeCloseTo(1 / Math.log2(3), 10);
    expect(ndcgAt(['x', 'x', 'a'], judged(['a', 1]), 2)).toBeCloseTo(1 / Math.log2(3), 10);
  });
});

describe('recallAt and hitAt', () => {
  it('recall counts the share of relevant ids within the first k', () => {
    expect(recallAt(['a', 'x', 'b', 'c'], ['a', 'b', 'c', 'd'], 3)).toBe(0.5);
    expect(recallAt(['a', 'a', 'b'], ['a', 'b'], 2)).toBe(1);
    expect(recallAt(['a'], [], 10)).toBe(0);
  });

  it('hit is 1 when any relevant id is within the first k', () => {
    expect(hitAt(['x', 'y', 'a'], ['a', 'b'], 3)).toBe(1);
    expect(hitAt(['x', 'y', 'a'], ['a', 'b'], 2)).toBe(0);
  });

  it('mean of nothing is 0', () => {
    expect(mean([])).toBe(0);
    expect(mean([0.5, 1])).toBe(0.75);
  });
});

describe('normaliseEvidence', () => {
  it('splits several ids in one string and drops zero padding', () => {
    expect(normaliseEvidence(['D8:6; D9:17', 'D30:05', 'D1:3'])).toEqual(['D8:6', 'D9:17', 'D30:5', 'D1:3']);
  });

  it('keeps the first occurrence of repeats and drops what is not an id', () => {
    expect(normaliseEvidence(['D1:3', 'd1:03', '', 'none', 42, ' D2 : 7 '])).toEqual(['D1:3', 'D2:7']);
  });
});
