import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjacencyScore, contentWords, queryWordPairs } from './word-adjacency';

describe('contentWords', () => {
  it('lower-cases, folds accents, splits on anything but letters and digits, drops stop words and stems', () => {
    expect(contentWords('The Café-owners were running to the IL-6 assays')).toEqual(['cafe', 'owner', 'were', 'run', 'il', '6', 'assay']);
  });

  it('answers nothing for stop words and punctuation alone', () => {
    expect(contentWords('it is not - of the ...')).toEqual([]);
  });
});

describe('adjacencyScore', () => {
  const score = (query: string, ...texts: string[]): number => adjacencyScore(queryWordPairs(query), texts);

  it('counts query pairs side by side, in the query order, with stop words and inflections in between ignored', () => {
    expect(score('support group', 'I went to a support group')).toBeCloseTo(1 / 2, 10);
    expect(score('support groups', 'the group of support')).toBe(0);
    expect(score('supporting groups', 'a support group')).toBeCloseTo(1 / 2, 10);
    expect(score('support group', 'support for the group')).toBeCloseTo(1 / 2, 10);
  });

  it('gives a pair less for each repeat, as BM25 does for a repeated word', () => {
    expect(score('support group', 'support group, support group')).toBeCloseTo(2 / 3, 10);
    expect(score('support group', 'support group', 'support group', 'support group')).toBeCloseTo(3 / 4, 10);
  });

  it('sums over the query pairs, each pair once however often the query repeats it', () => {
    expect(score('vitamin D deficiency', 'vitamin d deficiency')).toBeCloseTo(1, 10);
    expect(score('vitamin D vitamin D', 'vitamin d')).toBeCloseTo(1 / 2, 10);
    expect(queryWordPairs('vitamin D vitamin D').count).toBe(2);
  });

  it('is 0 for a query of fewer than two content words', () => {
    expect(queryWordPairs('is it the vitamin?').count).toBe(0);
    expect(score('vitamin', 'vitamin vitamin')).toBe(0);
  });

  it('does not pair words across two texts', () => {
    expect(score('support group', 'support', 'group')).toBe(0);
  });

  it('finds words whose stem is one letter ("oed": "o") or starts otherwise than the word (dying: die)', () => {
    expect(score('oed group', 'the oed group')).toBeCloseTo(1 / 2, 10);
    expect(score('die young', 'dying young')).toBeCloseTo(1 / 2, 10);
  });

  it('pairs nothing with a run of letters over 40 long, and reads a text only so far', () => {
    const blob = 'x'.repeat(41);
    expect(score(`${blob} group`, `${blob} group`)).toBe(0);
    expect(score('support group', `support ${blob} group`)).toBe(0);
    expect(score('support group', `${'filler '.repeat(3_000)} support group`)).toBe(0);
    expect(score('support group', `${'filler '.repeat(2_000)} support group`)).toBeCloseTo(1 / 2, 10);
  });
});

describe('adjacencyScore, against stemming every word', () => {
  /** The plain definition: every word stemmed, pairs counted side by side. */
  function reference(query: string, texts: string[]): number {
    const pairs = queryWordPairs(query);
    const found = new Map<number, number>();
    for (const words of texts.map(contentWords)) {
      for (let i = 0; i + 1 < words.length; i += 1) {
        const position = pairs.next.get(words[i]!)?.get(words[i + 1]!);
        if (position !== undefined) found.set(position, (found.get(position) ?? 0) + 1);
      }
    }
    return [...found.values()].reduce((score, n) => score + n / (n + 1), 0);
  }

  // Words whose stems share a start with other words, rewrite their ends, or their start (dying: die).
  const vocabulary = ['die', 'dying', 'died', 'lie', 'lying', 'tie', 'tying', 'ties', 'happy', 'happiness', 'skies', 'sky',
    'generously', 'general', 'running', 'run', 'runner', 'the', 'of', 'Café', 'cafe', 'IL-6', '6', 'd', 'vitamin', 'vitamins', 'news',
    'oed', 'o', 'aing', 'a', 'eings', 'e', 'dyed', 'oe'];
  const phrase = fc.array(fc.constantFrom(...vocabulary), { maxLength: 12 }).map((words) => words.join(' '));

  it('counts the same as stemming every word of the texts', () => {
    fc.assert(
      fc.property(phrase, fc.array(phrase, { maxLength: 4 }), (query, texts) => {
        expect(adjacencyScore(queryWordPairs(query), texts)).toBeCloseTo(reference(query, texts), 10);
      }),
      { numRuns: 500 },
    );
  });
});
