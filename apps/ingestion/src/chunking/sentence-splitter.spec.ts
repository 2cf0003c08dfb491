import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentence-splitter';

const sentences = (text: string) => splitSentences(text).map(({ start, end }) => text.slice(start, end));

describe('splitSentences', () => {
  it('splits on . ! ? and newlines', () => {
    expect(sentences('First one. Second one! Third one?\nA line without a stop\n\nNew paragraph.')).toEqual([
      'First one.',
      'Second one!',
      'Third one?',
      'A line without a stop',
      'New paragraph.',
    ]);
  });

  it('does not split inside numbers, abbreviations, initials or before lowercase', () => {
    expect(sentences('It costs $3.50 or 3.5 units, e.g. at Dr. Smith\'s shop. J. R. Tolkien wrote it, approx. ten times. Done.')).toEqual([
      "It costs $3.50 or 3.5 units, e.g. at Dr. Smith's shop.",
      'J. R. Tolkien wrote it, approx. ten times.',
      'Done.',
    ]);
  });

  it('keeps closing quotes and brackets with their sentence', () => {
    expect(sentences('He said "stop." (Then he left.) Really?!')).toEqual(['He said "stop."', '(Then he left.)', 'Really?!']);
  });

  it('takes a run of marks as one end, and a run followed by a word as none', () => {
    expect(sentences('Wait... What?!? Yes')).toEqual(['Wait...', 'What?!?', 'Yes']);
    const dots = '.'.repeat(20_000);
    expect(sentences(`Long${dots}x. Next`)).toEqual([`Long${dots}x.`, 'Next']);
    const word = 'x'.repeat(50_000);
    expect(sentences(`${word}. A ${word}. B`)).toEqual([`${word}.`, `A ${word}.`, 'B']);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences(' \n\t \n')).toEqual([]);
  });
});
