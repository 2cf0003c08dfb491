/** A half-open range [start, end) of the source text. */
export interface TextSpan {
  start: number;
  end: number;
}

// Words whose trailing period is not a sentence end. "etc." is left out on purpose: it often does end one.
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'e.g', 'i.e', 'cf', 'approx', 'fig', 'inc', 'ltd', 'dept', 'est']);

// Terminal punctuation, optional closing quotes/brackets, then whitespace or the end. A period inside "3.5" has no whitespace after it, so it never matches.
// A match starts only at the first mark of a run: one that fails there fails inside it too, and retrying at every mark of a long run would be quadratic.
const SENTENCE_END = /(?<![.!?])[.!?]+["'\u201d\u2019)\]]*(?=\s|$)/g;

/** Splits text into trimmed sentence spans. Every newline ends a sentence: lines in chat logs and lists are units of their own. */
export function splitSentences(text: string): TextSpan[] {
  return [...sentenceSpans(text)];
}

/** The spans of splitSentences, one at a time, for a caller that stops early or pauses between them. */
export function* sentenceSpans(text: string): Generator<TextSpan> {
  for (const line of text.matchAll(/[^\n]+/g)) {
    const lineStart = line.index;
    let sentenceStart = 0;
    for (const end of line[0].matchAll(SENTENCE_END)) {
      const endIndex = end.index + end[0].length;
      if (!isSentenceEnd(line[0], end.index, end[0], endIndex)) continue;
      const span = trimmed(text, lineStart + sentenceStart, lineStart + endIndex);
      if (span) yield span;
      sentenceStart = endIndex;
    }
    const rest = trimmed(text, lineStart + sentenceStart, lineStart + line[0].length);
    if (rest) yield rest;
  }
}

// Sticky (read at lastIndex): each check looks at the text next to a candidate end, never the rest of the line.
const LOWERCASE_NEXT = /\s+\p{Ll}/uy;
const OPENING_MARKS = /^["'(\[\u201c\u2018]+/;

function isSentenceEnd(line: string, punctuationIndex: number, punctuation: string, endIndex: number): boolean {
  // A lowercase continuation ("approx. ten", "etc. and") means the period was not the end.
  LOWERCASE_NEXT.lastIndex = endIndex;
  if (LOWERCASE_NEXT.test(line)) return false;
  if (punctuation !== '.') return true;
  const wordBefore = line.slice(wordStartBefore(line, punctuationIndex), punctuationIndex).replace(OPENING_MARKS, '');
  if (ABBREVIATIONS.has(wordBefore.toLowerCase())) return false;
  return !/^\p{Lu}$/u.test(wordBefore); // an initial, as in "J. Smith"
}

/** Where the run of non-space characters ending at `end` starts (`end` itself when there is none). */
function wordStartBefore(line: string, end: number): number {
  let start = end;
  while (start > 0 && !/\s/.test(line[start - 1]!)) start--;
  return start;
}

function trimmed(text: string, start: number, end: number): TextSpan | undefined {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end > start ? { start, end } : undefined;
}
