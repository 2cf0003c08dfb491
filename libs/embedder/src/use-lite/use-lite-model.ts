/** What every USE-lite engine shares: one model, so vectors from either are interchangeable in an index. */
export const USE_LITE_MODEL = {
  modelId: 'use-lite-512@energetic-ai-0.2.0',
  dimension: 512,
  // The encoder reads 128 SentencePiece tokens and drops the rest; English runs ~1.6 tokens/word (2+ with jargon or numbers), so 60 words fits.
  maxInputWords: 60,
} as const;

/** Texts per forward pass: the one given, which must be a positive integer, or the engine's own. */
export function batchSizeOption(given: number | undefined, fallback: number): number {
  const size = given ?? fallback;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batchSize must be a positive integer, got ${size}`);
  return size;
}
