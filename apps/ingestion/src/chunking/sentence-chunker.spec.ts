import { describe, expect, it } from 'vitest';
import { chunkText, chunkTextInSlices, firstChunkTexts, type Chunk } from './sentence-chunker';
import { TimeSlices } from './time-slices';

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Sentences of exactly `words` words: "S3w1 S3w2 ... S3wN." */
const sentence = (id: number, words: number) => Array.from({ length: words }, (_, i) => `S${id}w${i + 1}`).join(' ') + '.';

function expectWellFormed(source: string, chunks: Chunk[], maxWords: number): void {
  chunks.forEach((chunk, i) => {
    expect(chunk.index).toBe(i);
    expect(source.slice(chunk.startOffset, chunk.endOffset)).toBe(chunk.text);
    expect(wordCount(chunk.text)).toBeLessThanOrEqual(maxWords);
    expect(chunk.text).toBe(chunk.text.trim());
  });
}

describe('chunkText', () => {
  it('returns no chunks for empty or blank text', () => {
    expect(chunkText('', { maxWords: 10, overlapWords: 2 })).toEqual([]);
    expect(chunkText(' \n\n\t ', { maxWords: 10, overlapWords: 2 })).toEqual([]);
  });

  it('keeps short text in one chunk that maps back to the source', () => {
    const text = '  Hello there. How are you?  ';
    expect(chunkText(text, { maxWords: 10, overlapWords: 2 })).toEqual([{ index: 0, text: 'Hello there. How are you?', startOffset: 2, endOffset: 27 }]);
  });

  it('packs whole sentences and never cuts one that fits', () => {
    const parts = [sentence(1, 4), sentence(2, 4), sentence(3, 4), sentence(4, 4), sentence(5, 4)];
    const text = parts.join(' ');
    const chunks = chunkText(text, { maxWords: 10, overlapWords: 0 });
    expectWellFormed(text, chunks, 10);
    expect(chunks.map((c) => c.text)).toEqual([`${parts[0]} ${parts[1]}`, `${parts[2]} ${parts[3]}`, parts[4]]);
  });

  it('repeats trailing whole sentences up to overlapWords at the start of the next chunk', () => {
    const parts = [sentence(1, 5), sentence(2, 3), sentence(3, 5), sentence(4, 5)];
    const text = parts.join(' ');
    const chunks = chunkText(text, { maxWords: 10, overlapWords: 4 });
    expectWellFormed(text, chunks, 10);
    expect(chunks.map((c) => c.text)).toEqual([`${parts[0]} ${parts[1]}`, `${parts[1]} ${parts[2]}`, parts[3]]);
  });

  it('cuts a sentence longer than maxWords on word boundaries, with word overlap', () => {
    const long = sentence(1, 25);
    const text = `Intro here. ${long} Outro here.`;
    const chunks = chunkText(text, { maxWords: 10, overlapWords: 2 });
    expectWellFormed(text, chunks, 10);
    expect(chunks.map((c) => c.text)).toEqual([
      'Intro here.',
      'S1w1 S1w2 S1w3 S1w4 S1w5 S1w6 S1w7 S1w8 S1w9 S1w10',
      'S1w9 S1w10 S1w11 S1w12 S1w13 S1w14 S1w15 S1w16 S1w17 S1w18',
      'S1w17 S1w18 S1w19 S1w20 S1w21 S1w22 S1w23 S1w24 S1w25.',
      'Outro here.',
    ]);
  });

  it('ends the windows of a long sentence at its last word, whether or not a full window does', () => {
    const words = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `S1w${from + i}`).join(' ');
    const opts = { maxWords: 10, overlapWords: 2 };
    expect(chunkText(sentence(1, 18), opts).map((c) => c.text)).toEqual([words(1, 10), `${words(9, 18)}.`]);
    expect(chunkText(sentence(1, 11), opts).map((c) => c.text)).toEqual([words(1, 10), `${words(9, 11)}.`]);
    expect(chunkText(sentence(1, 10), opts).map((c) => c.text)).toEqual([sentence(1, 10)]);
    expect(firstChunkTexts(sentence(1, 10_000), opts, 2)).toEqual([words(1, 10), words(9, 18)]);
  });

  it('keeps paragraph breaks inside a chunk text exactly as in the source', () => {
    const text = 'Para one.\n\nPara two.';
    expect(chunkText(text, { maxWords: 50, overlapWords: 5 })).toEqual([{ index: 0, text, startOffset: 0, endOffset: text.length }]);
  });

  it('covers every word of a long document, respects the limit, and is deterministic', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const text = Array.from({ length: 300 }, (_, i) => sentence(i, 1 + (next() % 30)) + (next() % 5 === 0 ? '\n\n' : ' ')).join('');
    const opts = { maxWords: 60, overlapWords: 12 };
    const chunks = chunkText(text, opts);
    expectWellFormed(text, chunks, opts.maxWords);
    expect(chunkText(text, opts)).toEqual(chunks);

    const covered = new Set(chunks.flatMap((c) => c.text.split(/\s+/)));
    for (const word of text.split(/\s+/).filter(Boolean)) expect(covered.has(word)).toBe(true);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].startOffset).toBeGreaterThan(chunks[i - 1].startOffset);
  });

  it('rejects nonsensical options', () => {
    expect(() => chunkText('x', { maxWords: 0, overlapWords: 0 })).toThrow(RangeError);
    expect(() => chunkText('x', { maxWords: 10, overlapWords: 10 })).toThrow(RangeError);
    expect(() => chunkText('x', { maxWords: 10, overlapWords: -1 })).toThrow(RangeError);
  });

  describe('cut in time slices, or only its first chunks', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    // Sentences of varied length, some longer than maxWords, with paragraph breaks.
    const text = Array.from({ length: 400 }, (_, i) => sentence(i, 1 + (next() % 70)) + (next() % 7 === 0 ? '\n\n' : ' ')).join('');
    const opts = { maxWords: 60, overlapWords: 12 };

    it('makes the very chunks chunkText makes, giving the event loop a turn whenever a slice is used up', async () => {
      let turns = 0;
      let counting = true;
      const countTurns = () => setImmediate(() => counting && (turns++, countTurns()));
      countTurns();
      // A slice of 0 ms is used up at every chunk: each one waits for a turn of the event loop.
      const chunks = await chunkTextInSlices(text, opts, new TimeSlices(0));
      counting = false;
      expect(chunks).toEqual(chunkText(text, opts));
      expect(turns).toBeGreaterThanOrEqual(chunks.length - 1);
    });

    it('takes no turn while its slice lasts', async () => {
      let turned = false;
      setImmediate(() => (turned = true));
      expect(await chunkTextInSlices(text, opts, new TimeSlices(60_000))).toEqual(chunkText(text, opts));
      expect(turned).toBe(false);
    });

    it('answers the texts of the first chunks only, as chunkText cuts them', () => {
      const all = chunkText(text, opts).map((chunk) => chunk.text);
      expect(firstChunkTexts(text, opts, 5)).toEqual(all.slice(0, 5));
      expect(firstChunkTexts(text, opts, all.length + 10)).toEqual(all);
      expect(firstChunkTexts(text, opts, 0)).toEqual([]);
    });

    it('rejects nonsensical options as chunkText does', async () => {
      await expect(chunkTextInSlices('x', { maxWords: 10, overlapWords: 10 }, new TimeSlices())).rejects.toThrow(RangeError);
      expect(() => firstChunkTexts('x', { maxWords: 0, overlapWords: 0 }, 1)).toThrow(RangeError);
    });
  });
});
