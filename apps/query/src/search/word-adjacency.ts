import { newStemmer } from 'snowball-stemmers';

/**
 * Word adjacency: how often a document has the query's words side by side, in the query's order
 * ("vitamin D deficiency", "support group"). BM25 counts words one by one, so a document that
 * mentions "support" and "group" apart scores like one that says "support group"; this tells them
 * apart. It is computed here, from the chunk texts the search already holds, so it is computed the
 * same way whatever the index adapter, and costs no extra read.
 */

/** Lucene's English stop words, which the BM25 of both engines drops as well. */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not',
  'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
  'will', 'with',
]);

/**
 * Longer runs of letters and digits (a URL without separators, a base64 blob) are not words a query
 * pairs; they are skipped unstemmed, which bounds the cost of a pathological text.
 */
const MAX_WORD_LENGTH = 40;
/** Chunks are a few hundred characters; a text is read this far at most, for the same reason. */
const MAX_SCANNED_CHARS = 20_000;

/** The English Snowball stemmer, as the embedded engine's BM25 uses. */
const stemmer = newStemmer('english');
/** Stems of words seen lately: texts repeat their words, and stemming is most of the cost. Cleared when full. */
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 50_000;

/** A copy that holds no reference to the text it was cut from, so the cache keeps no chunk text alive. */
const detached = (value: string): string => JSON.parse(JSON.stringify(value)) as string;

function stemOf(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stem = detached(stemmer.stem(word));
    stems.set(detached(word), stem);
  }
  return stem;
}

const NON_ASCII = /[^\u0000-\u007f]/;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const WORD = /[a-z0-9]+/g;

/** Lower-cased and accents folded, ready to be split into words. */
function folded(text: string): string {
  const lower = text.toLowerCase();
  return NON_ASCII.test(lower) ? lower.normalize('NFKD').replace(COMBINING_MARKS, '') : lower;
}

/** The words of a text: lower-cased, accents folded, split on anything but letters and digits, stop words dropped. */
function* wordsOf(text: string): Generator<string> {
  const lower = folded(text.length > MAX_SCANNED_CHARS ? text.slice(0, MAX_SCANNED_CHARS) : text);
  const pattern = new RegExp(WORD);
  for (let match = pattern.exec(lower); match !== null; match = pattern.exec(lower)) {
    if (!STOP_WORDS.has(match[0])) yield match[0];
  }
}

/** The words of a text, stemmed; words over MAX_WORD_LENGTH stay as they are (and pair with nothing). */
export function contentWords(text: string): string[] {
  const words: string[] = [];
  for (const word of wordsOf(text)) words.push(word.length <= MAX_WORD_LENGTH ? stemOf(word) : word);
  return words;
}

/**
 * Snowball's English stemmer cuts or rewrites the ends of words, so a stem of two letters or more
 * starts with its word's first two letters. Stems of one letter start with the word's first letter
 * ("oed": "o"), and these words it rewrites at the start (dying: die).
 */
const REWRITTEN_FROM_THE_START = new Set(['dying', 'lying', 'tying']);

/** The query's consecutive content-word pairs, each once; empty when the query has fewer than two content words. */
export interface QueryWordPairs {
  /** For each first word, the second words it pairs with and the pair's position in `count`. */
  readonly next: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly count: number;
  /** The first two letters of the query's stems (one for a one-letter stem): a text's word that opens otherwise cannot stem to one. */
  readonly openings: ReadonlySet<string>;
}

export function queryWordPairs(query: string): QueryWordPairs {
  const words = contentWords(query);
  const next = new Map<string, Map<string, number>>();
  let count = 0;
  for (let i = 0; i + 1 < words.length; i += 1) {
    const seconds = next.get(words[i]!) ?? new Map<string, number>();
    next.set(words[i]!, seconds);
    if (!seconds.has(words[i + 1]!)) seconds.set(words[i + 1]!, count++);
  }
  return { next, count, openings: new Set(words.map((stem) => stem.slice(0, 2))) };
}

/** Whether the word may stem to a query word; most words of a text cannot, and stemming is the cost. */
function mayStemToQueryWord(pairs: QueryWordPairs, word: string): boolean {
  return word.length <= MAX_WORD_LENGTH && (pairs.openings.has(word.slice(0, 2)) || pairs.openings.has(word[0]!) || REWRITTEN_FROM_THE_START.has(word));
}

/**
 * For each query pair found side by side `n` times in the texts, n / (n + 1): the first occurrence
 * counts most, as a term's frequency does in BM25. A document's texts are its chunks, so a pair
 * that two chunks overlap on counts in both; a pair cut by a chunk boundary is missed unless the
 * overlap holds it.
 */
export function adjacencyScore(pairs: QueryWordPairs, texts: Iterable<string>): number {
  if (pairs.count === 0) return 0;
  const found = new Array<number>(pairs.count).fill(0);
  for (const text of texts) {
    let previous: string | null = null;
    for (const word of wordsOf(text)) {
      const current = mayStemToQueryWord(pairs, word) ? stemOf(word) : null;
      const position = previous === null || current === null ? undefined : pairs.next.get(previous)?.get(current);
      if (position !== undefined) found[position]! += 1;
      previous = current;
    }
  }
  return found.reduce((score, n) => score + n / (n + 1), 0);
}
