import { describe, expect, it } from 'vitest';
import { MAX_NEIGHBOUR_CHARS, nextNeighbour, previousNeighbour } from './neighbour';

/** In unicode mode a pair is one code point, so this matches only a half of one left alone. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const words = (count: number, word = 'word'): string => Array.from({ length: count }, (_, i) => `${word}${i}`).join(' ');

describe('neighbour texts', () => {
  it('carries a text within the bound whole, with its author', () => {
    const text = 'x'.repeat(MAX_NEIGHBOUR_CHARS);
    expect(previousNeighbour('Ann', text)).toEqual({ authorName: 'Ann', text });
    expect(nextNeighbour(null, text)).toEqual({ authorName: null, text });
  });

  it('keeps the end of the message before and the start of the message after, cut between words', () => {
    const text = words(2_000);
    const previous = previousNeighbour('Ann', text).text;
    const next = nextNeighbour('Ann', text).text;
    for (const cut of [previous, next]) expect(cut.length).toBeLessThanOrEqual(MAX_NEIGHBOUR_CHARS);
    expect(previous.length).toBeGreaterThan(MAX_NEIGHBOUR_CHARS - 12);
    expect(text.endsWith(previous)).toBe(true);
    expect(text.startsWith(next)).toBe(true);
    // Whole words only: the cut falls where the text has a space.
    expect(text[text.length - previous.length - 1]).toBe(' ');
    expect(text[next.length]).toBe(' ');
  });

  it('keeps a cut that falls on a space as it is', () => {
    const text = `${'a'.repeat(MAX_NEIGHBOUR_CHARS)} ${'b'.repeat(10)}`;
    expect(nextNeighbour(null, text).text).toBe('a'.repeat(MAX_NEIGHBOUR_CHARS));
    expect(previousNeighbour(null, `${'b'.repeat(10)} ${'a'.repeat(MAX_NEIGHBOUR_CHARS)}`).text).toBe('a'.repeat(MAX_NEIGHBOUR_CHARS));
  });

  it('cuts inside a word far longer than the snap distance rather than keep almost nothing', () => {
    const previous = previousNeighbour(null, `${'x'.repeat(3_000)} y`).text;
    const next = nextNeighbour(null, `y ${'x'.repeat(3_000)}`).text;
    expect(previous).toBe(`${'x'.repeat(MAX_NEIGHBOUR_CHARS - 2)} y`);
    expect(next).toBe(`y ${'x'.repeat(MAX_NEIGHBOUR_CHARS - 2)}`);
  });

  it('never splits a character written as two UTF-16 units, in a text without spaces', () => {
    const text = '😀'.repeat(MAX_NEIGHBOUR_CHARS);
    // One unit more on the far side puts each cut in the middle of a pair.
    const previous = previousNeighbour(null, `${text}x`).text;
    const next = nextNeighbour(null, `x${text}`).text;
    for (const cut of [previous, next]) {
      expect(cut.length).toBeLessThanOrEqual(MAX_NEIGHBOUR_CHARS);
      expect(cut).not.toMatch(LONE_SURROGATE);
    }
  });
});
