import type { Tokenizer } from './use-lite-graph';
import type { Vocabulary } from './use-lite-weights';

/** Ids below this are control pieces (unknown, start, end, extras), never matched in text. */
const RESERVED_PIECES = 6;
const UNKNOWN_ID = 0;
const WORD_START = '\u2581';

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Set where a piece ends: its score and id. */
  piece?: { score: number; id: number };
}

/**
 * USE-lite's unigram SentencePiece tokenizer: the best-scoring split of a text into vocabulary pieces.
 *
 * It gives exactly the ids of `@energetic-ai/embeddings`' tokenizer (a test compares them on random
 * text), ties and quirks included, in one forward pass; the package's copies the rest of the text at
 * every position, which cost a tenth of the encoder's time.
 */
export class SentencePieceTokenizer implements Tokenizer {
  private readonly root: TrieNode = { children: new Map() };
  /** Each piece's length in UTF-16 units, which is how the reference steps back through a split. */
  private readonly pieceLengths: Int32Array;

  constructor(vocabulary: Vocabulary) {
    this.pieceLengths = Int32Array.from(vocabulary, ([piece]) => piece.length);
    for (let id = RESERVED_PIECES; id < vocabulary.length; id += 1) {
      const [piece, score] = vocabulary[id]!;
      let node = this.root;
      for (const symbol of piece) {
        let child = node.children.get(symbol);
        if (!child) node.children.set(symbol, (child = { children: new Map() }));
        node = child;
      }
      // A null score adds as 0 in the package's arithmetic, so it is 0 here.
      node.piece = { score: score ?? 0, id };
    }
  }

  encode(text: string): number[] {
    const symbols = Array.from(normalize(text));
    const length = symbols.length;
    // best[end]: the score of the best split of the first `end` symbols; 0 also means none yet.
    const best = new Float64Array(length + 1);
    const lastPiece = new Int32Array(length + 1);
    for (let start = 0; start < length; start += 1) {
      const before = best[start]!;
      let matched = false;
      let node = this.root.children.get(symbols[start]!);
      for (let end = start + 1; node; end += 1) {
        if (node.piece) {
          matched = true;
          consider(best, lastPiece, end, node.piece.score + before, node.piece.id);
        }
        node = end < length ? node.children.get(symbols[end]!) : undefined;
      }
      // A symbol no piece starts with is an unknown piece of its own, scored 0.
      if (!matched) consider(best, lastPiece, start + 1, before, UNKNOWN_ID);
    }
    const ids: number[] = [];
    for (let end = length; end > 0; end -= this.pieceLengths[lastPiece[end]!]!) {
      const id = lastPiece[end]!;
      // A run of unknown pieces counts as one.
      if (!(id === UNKNOWN_ID && ids.at(-1) === UNKNOWN_ID)) ids.push(id);
    }
    return ids.reverse();
  }
}

/**
 * Candidates for one end arrive in the reference's order (longest piece first), and a later one
 * wins a tie, as there.
 */
function consider(best: Float64Array, lastPiece: Int32Array, end: number, score: number, id: number): void {
  if (best[end] === 0 || score >= best[end]!) {
    best[end] = score;
    lastPiece[end] = id;
  }
}

/** NFKC, then a word-start mark before the text and in place of every space. */
function normalize(text: string): string {
  const normalized = text.normalize('NFKC');
  return normalized.length > 0 ? WORD_START + normalized.replace(/ /g, WORD_START) : normalized;
}
