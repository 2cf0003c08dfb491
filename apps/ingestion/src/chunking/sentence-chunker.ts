import { sentenceSpans, type TextSpan } from './sentence-splitter';
import type { TimeSlices } from './time-slices';

/** A piece of a document small enough for the embedder; offsets index the original text, `text === source.slice(startOffset, endOffset)`. */
export interface Chunk {
  index: number;
  text: string;
  startOffset: number;
  endOffset: number;
}

export interface ChunkOptions {
  /** Hard ceiling per chunk, in whitespace-separated words; keep it at or below the embedder's maxInputWords. */
  maxWords: number;
  /** Words of trailing whole sentences repeated at the start of the next chunk, so an answer straddling a boundary survives. */
  overlapWords: number;
}

interface Unit extends TextSpan {
  words: number;
}

/** Packs whole sentences into chunks of at most `maxWords`; a longer sentence is cut on word boundaries. Deterministic. */
export function chunkText(text: string, opts: ChunkOptions): Chunk[] {
  return toChunks(text, [...chunkSpans(text, opts)]);
}

/**
 * The same chunks as chunkText, giving the event loop a turn whenever it has run for a time slice:
 * a document of megabytes takes a second to cut, which no request arriving meanwhile should wait for.
 */
export async function chunkTextInSlices(text: string, opts: ChunkOptions, slices: TimeSlices): Promise<Chunk[]> {
  const spans: TextSpan[] = [];
  for (const span of chunkSpans(text, opts)) {
    spans.push(span);
    await slices.pauseIfDue();
  }
  return toChunks(text, spans);
}

/** The texts of the first `count` chunks of chunkText, cutting no further into the text than they reach. */
export function firstChunkTexts(text: string, opts: ChunkOptions, count: number): string[] {
  const texts: string[] = [];
  if (count < 1) return texts;
  for (const span of chunkSpans(text, opts)) {
    texts.push(text.slice(span.start, span.end));
    if (texts.length === count) break;
  }
  return texts;
}

/** The chunks' spans in order, each final once it is yielded. */
function* chunkSpans(text: string, { maxWords, overlapWords }: ChunkOptions): Generator<TextSpan> {
  if (!Number.isInteger(maxWords) || maxWords < 1) throw new RangeError(`maxWords must be a positive integer, got ${maxWords}`);
  if (!Number.isInteger(overlapWords) || overlapWords < 0 || overlapWords >= maxWords) {
    throw new RangeError(`overlapWords must be an integer in [0, maxWords), got ${overlapWords}`);
  }

  let current: Unit[] = [];
  let currentWords = 0;
  const spanOf = (units: Unit[]): TextSpan => ({ start: units[0]!.start, end: units[units.length - 1]!.end });

  for (const sentence of sentenceSpans(text)) {
    // Words are read only as far as needed: a sentence of megabytes (text with no sentence ends) is
    // cut window by window, as the caller asks for chunks.
    const words = wordSpans(text, sentence);
    const head = take(words, maxWords + 1);
    if (head.length > maxWords) {
      if (current.length > 0) yield spanOf(current);
      current = [];
      currentWords = 0;
      yield* windows(head, words, maxWords, overlapWords);
      continue;
    }
    if (currentWords + head.length > maxWords) {
      if (current.length > 0) yield spanOf(current);
      current = trailingOverlap(current, Math.min(overlapWords, maxWords - head.length));
      currentWords = current.reduce((sum, unit) => sum + unit.words, 0);
    }
    current.push({ ...sentence, words: head.length });
    currentWords += head.length;
  }
  if (current.length > 0) yield spanOf(current);
}

function toChunks(text: string, spans: TextSpan[]): Chunk[] {
  return spans.map((span, index) => ({ index, text: text.slice(span.start, span.end), startOffset: span.start, endOffset: span.end }));
}

/** The longest run of whole sentences at the end of `units` totalling at most `budget` words. */
function trailingOverlap(units: Unit[], budget: number): Unit[] {
  let words = 0;
  let from = units.length;
  while (from > 0 && words + units[from - 1].words <= budget) words += units[--from].words;
  return units.slice(from);
}

/**
 * Cuts one over-long sentence into word windows, overlapping like sentence chunks do: `first` holds its
 * first words (more than maxWords), `rest` the words after them, read as the windows reach them.
 */
function* windows(first: TextSpan[], rest: Iterator<TextSpan>, maxWords: number, overlapWords: number): Generator<TextSpan> {
  const step = maxWords - overlapWords;
  // The current window's words, plus the word after it when there is one (it says the window is not the last).
  let window = first;
  for (;;) {
    while (window.length <= maxWords) {
      const next = rest.next();
      if (next.done) break;
      window.push(next.value);
    }
    const size = Math.min(maxWords, window.length);
    yield { start: window[0]!.start, end: window[size - 1]!.end };
    if (window.length <= maxWords) return;
    window = window.slice(step);
  }
}

function* wordSpans(text: string, span: TextSpan): Generator<TextSpan> {
  for (const match of text.slice(span.start, span.end).matchAll(/\S+/g)) {
    yield { start: span.start + match.index, end: span.start + match.index + match[0].length };
  }
}

/** Up to `count` items from `items`, leaving the rest to be read from it. */
function take<T>(items: Iterator<T>, count: number): T[] {
  const taken: T[] = [];
  while (taken.length < count) {
    const next = items.next();
    if (next.done) break;
    taken.push(next.value);
  }
  return taken;
}
