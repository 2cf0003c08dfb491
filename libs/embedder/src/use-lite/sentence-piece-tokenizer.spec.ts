import { EmbeddingsModel } from '@energetic-ai/embeddings';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SentencePieceTokenizer } from './sentence-piece-tokenizer';
import { readPackagedVocabulary, type Vocabulary } from './use-lite-weights';

/** The package's own tokenizer, which the model was shipped with: the ids must be its ids. Its types say no score is null; its arithmetic reads null as 0. */
const packageTokenizer = (vocabulary: Vocabulary) =>
  new EmbeddingsModel({ vocabulary: vocabulary as Array<[string, number]>, model: undefined as never }).tokenizer as { encode(text: string): number[] };

const vocabulary = readPackagedVocabulary();
const tokenizer = new SentencePieceTokenizer(vocabulary);
const reference = packageTokenizer(vocabulary);

/** Text that stresses the split: real pieces glued together, unknown and astral symbols, runs of spaces. */
const awkwardText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...vocabulary.slice(6).map(([piece]) => piece.replace(/\u2581/g, ' '))),
      fc.constantFrom(' ', '  ', '\t', '\n', '.', '-', '’', 'é', 'e\u0301', 'ﬁ', '①', '中文', '😀', '👩‍💻', '\uFFFD', '\u2581', 'İ', 'Ⅻ'),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('SentencePieceTokenizer', () => {
  it('gives the package tokenizer’s ids on prose', () => {
    for (const text of [
      'Vitamin D deficiency is associated with increased risk of tuberculosis.',
      'Caroline went to the LGBTQ support group yesterday, and it was so powerful!',
      '  leading and trailing spaces  ',
      'Numbers like 3.14, 1e-9 and IL-6 — plus “quotes”.',
      '',
    ]) {
      expect(tokenizer.encode(text), text).toEqual(reference.encode(text));
    }
  });

  it('gives the package tokenizer’s ids on any text, unknown symbols and ties included', () => {
    fc.assert(
      fc.property(awkwardText, (text) => {
        expect(tokenizer.encode(text)).toEqual(reference.encode(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('counts a run of unknown symbols as one unknown piece', () => {
    const text = 'a \u{1F600}\u{1F601}\u{1F602} b';
    const ids = tokenizer.encode(text);
    expect(ids.filter((id) => id === 0)).toHaveLength(1);
    expect(ids).toEqual(reference.encode(text));
  });

  describe('on a small vocabulary', () => {
    // Two ways to split "ab": the piece "ab" (score -2) or "a" then "b" (-1 each), equal totals; an
    // astral piece, one symbol but two UTF-16 units, which is how the reference steps back over it.
    const small: Vocabulary = [['\uFFFD', 0], ['<s>', 0], ['</s>', 0], ['x', 0], ['y', 0], ['z', 0], ['▁', -5], ['ab', -2], ['a', -1], ['b', -1], ['\u{1F600}', -1], [':', null]];
    const own = new SentencePieceTokenizer(small);
    const theirs = packageTokenizer(small);

    it('lets a later piece of equal score win, as the reference does', () => {
      for (const text of ['ab', 'abab ab']) expect(own.encode(text), text).toEqual(theirs.encode(text));
    });

    it('steps back over a piece by its UTF-16 length and adds a null score as 0, as the reference does', () => {
      for (const text of ['a\u{1F600}b', '\u{1F600}\u{1F600}ab', 'b:a\u{1F600}', ':\u{1F600}:']) expect(own.encode(text), text).toEqual(theirs.encode(text));
    });
  });
});
